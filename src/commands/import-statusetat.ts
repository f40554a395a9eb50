/**
 * `staunch import --from-statusetat <uri> [-c config]`: read a statusetat store and write its
 * incidents (persistent ones included), messages and subscribers into every target of the config,
 * under their statusetat guids and times, so links and /v1 clients keep working after the switch.
 * Rerunnable until the cut-over: what has not changed in statusetat since the last run is not
 * written again, and what has is replaced by statusetat's version.
 */
import { ConfigError } from '../config/parse.ts';
import { domainSettings } from '../domain/read-model.ts';
import { planIncidentImport } from '../domain/statusetat-import.ts';
import { subscribe } from '../domain/subscribers.ts';
import { loadNodeConfig, logConfigWarnings } from '../runtime/node-config.ts';
import { createNodeLogger } from '../runtime/node-logger.ts';
import { createReplicatorFromConfig } from '../runtime/node.ts';
import { readStatusetat, StatusetatUriError } from '../runtime/statusetat/source.ts';

/** Mutations per write: one incident's records always go together. */
const BATCH = 400;

export async function statusetatImportCommand(
  uri: string,
  options: { config?: string },
): Promise<number> {
  let read;
  try {
    console.error(`reading statusetat store ${uri.replace(/:[^:@/]*@/, ':***@')}`);
    read = await readStatusetat(uri);
  } catch (error) {
    if (error instanceof StatusetatUriError)
      throw new ConfigError([`--from-statusetat: ${error.message}`]);
    console.error(`--from-statusetat: cannot read the store: ${(error as Error).message}`);
    return 1;
  }
  const { config, source } = loadNodeConfig(options.config);
  const logger = createNodeLogger({ ...config.log, level: 'warn' });
  logConfigWarnings(config, logger);
  const { incidents, subscribers } = read.content;
  console.error(
    `read ${incidents.length} incidents (${incidents.filter((i) => i.persistent).length} persistent) and ${subscribers.length} subscribers from ${read.location}`,
  );
  const { replicator, drivers } = createReplicatorFromConfig(config, logger, {
    pollIntervalMs: 0,
    syncIntervalMs: 0,
    healthIntervalMs: 0,
  });
  try {
    await replicator.start();
    const plan = planIncidentImport(replicator, incidents);
    let written = 0;
    for (let i = 0; i < plan.mutations.length; i += BATCH) {
      const batch = plan.mutations.slice(i, i + BATCH);
      try {
        await replicator.write(batch);
      } catch (error) {
        // A write that missed its quorum is undone everywhere; a rerun picks up from here.
        console.error(
          `import stopped after ${written} of ${plan.mutations.length} records: ${(error as Error).message}; run it again once the targets answer`,
        );
        return 1;
      }
      written += batch.length;
      console.error(`${written}/${plan.mutations.length} records written`);
    }
    const ctx = { store: replicator, settings: domainSettings(config) };
    const actor = { type: 'system' as const, name: 'statusetat import' };
    let added = 0;
    const refused: string[] = [];
    for (const email of subscribers) {
      try {
        if (await subscribe(ctx, actor, email)) added++;
      } catch (error) {
        refused.push(`${email}: ${(error as Error).message}`);
      }
    }
    await replicator.settle();
    console.log(
      [
        `statusetat ${read.location} → ${source}`,
        `incidents: ${plan.created} new, ${plan.changed} changed, ${plan.unchanged} unchanged (${plan.messages} messages)`,
        `subscribers: ${added} new, ${subscribers.length - added - refused.length} already subscribed`,
        ...plan.skipped.map((s) => `skipped incident ${s.guid}: ${s.problem}`),
        ...read.skipped.map((s) => `skipped ${s.name}: ${s.problem}`),
        ...refused.map((r) => `skipped subscriber ${r}`),
      ].join('\n'),
    );
    return plan.skipped.length + read.skipped.length + refused.length > 0 ? 1 : 0;
  } finally {
    await replicator.stop();
    await Promise.all(drivers.map((d) => d.close().catch(() => undefined)));
  }
}
