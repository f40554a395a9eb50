/**
 * Builds the statusetat-style go-plugin notifier in test/fixtures/go-plugin with Debian's Go
 * toolchain and libraries, offline, in GOPATH mode. Without them a suite skips locally; with
 * CI=true it fails, naming the apt packages that are missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURE = new URL('../fixtures/go-plugin/', import.meta.url);
const DEBIAN_GOPATH = '/usr/share/gocode';
export const GO_APT_PACKAGES =
  'golang-go golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev golang-google-protobuf-dev golang-github-golang-protobuf-1-3-dev';

export interface GoAvailability {
  available: boolean;
  reason?: string;
}

export function goAvailability(): GoAvailability {
  const version = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0)
    return { available: false, reason: `no Go toolchain (apt-get install ${GO_APT_PACKAGES})` };
  if (!existsSync(join(DEBIAN_GOPATH, 'src/github.com/hashicorp/go-plugin')))
    return {
      available: false,
      reason: `Go is there but not Debian's go-plugin sources (apt-get install ${GO_APT_PACKAGES})`,
    };
  return { available: true };
}

export interface BuiltPlugin {
  path: string;
  buildMs: number;
}

/** Compiles the fixture into a fresh temporary folder and returns the executable. */
export async function buildGoPlugin(): Promise<BuiltPlugin> {
  const root = mkdtempSync(join(tmpdir(), 'staunch-go-plugin-'));
  const source = join(root, 'src/staunchfixture');
  cpSync(FIXTURE, source, { recursive: true });
  const output = join(root, 'fixture-notifier');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: `${DEBIAN_GOPATH}:${root}`,
    GOFLAGS: '',
    GOPROXY: 'off',
  };
  if (!env.GOCACHE && !env.HOME && !env.XDG_CACHE_HOME) env.GOCACHE = join(root, 'cache');
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['build', '-o', output, '.'], { cwd: source, env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`go build of the plugin fixture failed (code ${code}):\n${stderr}`)),
    );
  });
  return { path: output, buildMs: Date.now() - started };
}
