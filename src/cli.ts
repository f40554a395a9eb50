/**
 * `staunch` command line: serve, targets check, sync, mirror, export, import, agent.
 * Exit codes: 0 success, 1 a check or sync found problems (a target down, behind or with hints; digests
 * still differing after a sync), 2 bad configuration.
 */
import { VERSION } from './runtime/version.ts';

const command = process.argv[2];
if (command === 'serve' || command === 'agent')
  (await import('./runtime/node-heap.ts')).preferSmallHeap();
// `serve` answers `/` from its start file before anything else loads, commander included.
const early = command === 'serve' ? await startEarly(process.argv.slice(3)) : undefined;
const { Command } = await import('commander');

async function startEarly(args: string[]) {
  const { configArgument, earlyStart } = await import('./runtime/early-server.ts');
  const config = configArgument(args);
  return config ? earlyStart(config.path) : undefined;
}

// Each command loads its code only when it runs (one file each in src/commands/): `--version`
// and `--help` load nothing else, and `serve` never loads what only `sync` needs.
const program = new Command('staunch')
  .version(VERSION)
  .description('A status page that stays up when the infrastructure it reports on goes down.');

program
  .command('serve')
  .description('serve the status page, the APIs and the admin UI')
  .option(
    '-c, --config <file>',
    'configuration file (default: ./config.yml, else the embedded default)',
  )
  .action(async (options: { config?: string }) => {
    const { serveCommand } = await import('./commands/serve.ts');
    await serveCommand(options, early);
  });

const targets = program.command('targets').description('storage targets');
targets
  .command('check')
  .description(
    'check every storage target: state, latency, hints waiting for it, records it lacks (writes nothing)',
  )
  .option('-c, --config <file>', 'configuration file')
  .action(async (options: { config?: string }) => {
    const { targetsCheckCommand } = await import('./commands/targets-check.ts');
    process.exitCode = await targetsCheckCommand(options);
  });

program
  .command('sync')
  .description(
    'run one anti-entropy pass: copy the newest version of every record to every reachable target',
  )
  .option('-c, --config <file>', 'configuration file')
  .option('-q, --quiet', 'print only the final table')
  .action(async (options: { config?: string; quiet?: boolean }) => {
    const { syncCommand } = await import('./commands/sync.ts');
    process.exitCode = await syncCommand(options);
  });

program
  .command('mirror')
  .description('publish the static mirror once to every folder and bucket under mirror:')
  .option('-c, --config <file>', 'configuration file')
  .action(async (options: { config?: string }) => {
    const { mirrorCommand } = await import('./commands/mirror.ts');
    process.exitCode = await mirrorCommand(options);
  });

program
  .command('export')
  .description('write every record (of the merged view, or of one target) as JSON Lines to stdout')
  .option('-c, --config <file>', 'configuration file')
  .option('--target <N>', 'read only targets[N] (0 is the first)')
  .action(async (options: { config?: string; target?: string }) => {
    const { exportCommand } = await import('./commands/export.ts');
    process.exitCode = await exportCommand(options);
  });

program
  .command('import')
  .description('load an export into every target (older revs never replace newer ones)')
  .argument('[file]', 'a staunch export file (- for stdin)')
  .option('-c, --config <file>', 'configuration file')
  .option(
    '--from-statusetat <uri>',
    'read a statusetat store (its database, bucket or folder) instead',
  )
  .action(
    async (file: string | undefined, options: { config?: string; fromStatusetat?: string }) => {
      const { importCommand } = await import('./commands/import.ts');
      process.exitCode = await importCommand(file, options);
    },
  );

program
  .command('agent')
  .description('watch a Kubernetes cluster and push its health to the app (one agent per cluster)')
  .option('-c, --config <file>', 'agent configuration file (else STAUNCH_AGENT_* variables only)')
  .action(async (options: { config?: string }) => {
    const { agentCommand } = await import('./commands/agent.ts');
    await agentCommand(options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A bad configuration is the user's to fix: the problems, no stack trace.
  const { ConfigError } = await import('./config/parse.ts');
  const { StorageError } = await import('../storage-drivers/types.ts');
  if (
    error instanceof ConfigError ||
    (error instanceof StorageError && error.code === 'INVALID_URI')
  ) {
    console.error(
      error instanceof ConfigError ? error.message : `invalid configuration:\n  - ${error.message}`,
    );
    process.exit(2);
  }
  throw error;
}
