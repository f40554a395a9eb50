/**
 * Every channel type a config may name, with its param checks, and nothing that only runs on
 * Node: the config check (which the Worker runs too) validates each block through these, and a
 * type whose definition does not list the runtime is refused there with the reason.
 */
import apprise from './apprise.ts';
import discord from './discord.ts';
import { parseEmailParams } from './email-params.ts';
import grafanaAnnotation from './grafana-annotation.ts';
import ntfy from './ntfy.ts';
import slack from './slack.ts';
import teams from './teams.ts';
import { parsePluginParams } from './plugin/params.ts';
import type { NotifierDefinition, ParseResult } from './types.ts';
import webhook from './webhook.ts';

/** A Node-only type as the Worker sees it: its params are checked, its creation refused. */
function nodeOnly<P>(
  type: string,
  parse: (params: unknown) => ParseResult<P>,
): NotifierDefinition<P> {
  return {
    type,
    runtimes: ['node'],
    parse,
    create() {
      throw new Error(`the ${type} channel runs on Node only`);
    },
  };
}

/** Why a Node-only type cannot run on Workers, for the config error. */
export const WORKER_REFUSALS: Record<string, string> = {
  email:
    'SMTP needs outgoing TCP connections that the Workers runtime does not offer: run Staunch on Node for email, or send mail through an HTTP API channel (apprise, webhook)',
  plugin:
    'plugins are child processes, which the Workers runtime cannot start: run Staunch on Node for plugins',
};

export const FETCH_DEFINITIONS: readonly NotifierDefinition[] = [
  slack,
  grafanaAnnotation,
  webhook,
  discord,
  teams,
  ntfy,
  apprise,
] as NotifierDefinition[];

export const CHECKED_DEFINITIONS: readonly NotifierDefinition[] = [
  ...FETCH_DEFINITIONS,
  nodeOnly('email', parseEmailParams),
  nodeOnly('plugin', parsePluginParams),
] as NotifierDefinition[];
