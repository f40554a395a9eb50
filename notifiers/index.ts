/**
 * The channels on Node, one definition per `notifiers[].type`: statusetat's slack, email,
 * grafana_annotation and plugin, and Staunch's webhook, discord, teams, ntfy and apprise. Node's
 * DNS is lent to the webhook channel here, so subscriber URLs that resolve to private addresses
 * are refused (see outbound-guard.ts). The Worker's list is index.worker.ts.
 */
import apprise from './apprise.ts';
import discord from './discord.ts';
import { resolveHost } from './dns-resolve.node.ts';
import email from './email.ts';
import grafanaAnnotation from './grafana-annotation.ts';
import ntfy from './ntfy.ts';
import plugin from './plugin.ts';
import slack from './slack.ts';
import teams from './teams.ts';
import type { NotifierDefinition } from './types.ts';
import { webhookDefinition } from './webhook.ts';

export const NOTIFIER_DEFINITIONS: readonly NotifierDefinition[] = [
  slack,
  email,
  grafanaAnnotation,
  webhookDefinition(resolveHost),
  discord,
  teams,
  ntfy,
  apprise,
  plugin,
] as NotifierDefinition[];
