# The `staunch` image: the TypeScript sources run by tsx, no build step.
#   docker build -t staunch .
#   docker run -p 8080:8080 -v staunch-data:/app/data staunch
FROM node:22-bookworm-slim
WORKDIR /app
# better-sqlite3 compiles when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY storage-drivers ./storage-drivers
COPY notifiers ./notifiers
COPY tsconfig.json config.example.yml ./
COPY deploy/docker-config.yml ./config.yml
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
ENV PORT=8080
CMD ["node", "bin/staunch.mjs", "serve"]
