# The `staunch` image: the sources compiled to JavaScript in dist/ by the build that `npm ci`
# runs (its prepare script), so nothing is compiled at start. Two targets:
#   docker build -t staunch .                              # the app (`staunch serve`), the default
#   docker build --target agent -t staunch-agent .         # the in-cluster agent (`staunch agent`)
#   docker run -p 8080:8080 -v staunch-data:/app/data staunch
FROM node:22-bookworm-slim AS base
WORKDIR /app
# better-sqlite3 compiles when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# The sources come before `npm ci`, whose prepare script builds them; the compiler and the other
# development packages are pruned after.
COPY bin ./bin
COPY src ./src
COPY storage-drivers ./storage-drivers
COPY notifiers ./notifiers
COPY tsconfig.json tsconfig.build.json config.example.yml ./
RUN npm ci && npm prune --omit=dev && npm cache clean --force

# The agent needs no storage and no data folder; it runs as the image's unprivileged `node` user
# (uid 1000) with a read-only root filesystem, given a writable /tmp (see deploy/kubernetes/agent).
FROM base AS agent
USER node
EXPOSE 9090
CMD ["node", "bin/staunch.mjs", "agent", "-c", "/etc/staunch-agent/agent.yml"]

FROM base AS serve
COPY deploy/docker-config.yml ./config.yml
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
ENV PORT=8080
CMD ["node", "bin/staunch.mjs", "serve"]
