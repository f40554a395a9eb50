/** Every HTTP channel through the shared contract (_contract.ts), with its own params. */
import apprise from './apprise.ts';
import { describeChannel } from './_contract.ts';
import discord from './discord.ts';
import grafanaAnnotation from './grafana-annotation.ts';
import ntfy from './ntfy.ts';
import slack from './slack.ts';
import teams from './teams.ts';
import { webhookDefinition } from './webhook.ts';

describeChannel({
  definition: slack,
  params: (url, secret) => ({
    endpoint: `${url}/hooks/${secret}`,
    channel: '#ops',
    pretext_incident: '@here ',
  }),
  bad: [
    { params: {}, key: 'endpoint' },
    { params: { endpoint: 'not a url' }, key: 'endpoint' },
    {
      params: { endpoint: 'https://x.test/h', icon_emoji_incidnet: 'fire' },
      key: 'icon_emoji_incidnet',
    },
  ],
});

describeChannel({
  definition: grafanaAnnotation,
  params: (url, secret) => ({
    endpoint: `${url}/grafana/`,
    api_key: secret,
    dashboard_id: 12,
    panel_id: '3',
    tag: 'status',
    org_id: 2,
  }),
  ok: (request) =>
    request.method === 'GET'
      ? { status: 200, body: '[{"id":41},{"id":42}]' }
      : { status: 200, body: '{"message":"ok"}' },
  bad: [
    { params: { api_key: 'k' }, key: 'endpoint' },
    { params: { endpoint: 'https://g.test', dashboard_id: 'twelve' }, key: 'dashboard_id' },
    { params: { endpoint: 'https://g.test', time_zone: 'Mars/Olympus' }, key: 'time_zone' },
  ],
});

describeChannel({
  definition: webhookDefinition(),
  params: (url, secret) => ({
    endpoint: `${url}/hook?token=${secret}`,
    secret: 'signing-secret-0123456789',
  }),
  bad: [
    { params: { endpoint: 'gopher://x' }, key: 'endpoint' },
    { params: { secret: 'short' }, key: 'secret' },
    { params: { headers: { 'x-a': 1 } }, key: 'headers.x-a' },
  ],
});

describeChannel({
  definition: webhookDefinition(),
  // A webhook subscriber: no endpoint, the URL comes with the recipient (private addresses allowed for the test).
  params: () => ({ secret: 'signing-secret-0123456789', allow_private_addresses: true }),
  recipient: (url, secret) => ({
    address: `${url}/subscriber/${secret}`,
    unsubscribeUrl: 'https://status.acme.test/unsubscribe/tok',
    untrusted: true,
  }),
  bad: [{ params: { allow_private_addresses: 'yes' }, key: 'allow_private_addresses' }],
});

describeChannel({
  definition: discord,
  params: (url, secret) => ({ endpoint: `${url}/api/webhooks/1/${secret}` }),
  bad: [
    { params: {}, key: 'endpoint' },
    { params: { endpoint: 'https://d.test', avatar_url: 'file:///etc/passwd' }, key: 'avatar_url' },
  ],
});

describeChannel({
  definition: teams,
  params: (url, secret) => ({ endpoint: `${url}/workflows/${secret}` }),
  bad: [{ params: { endpoint: '' }, key: 'endpoint' }],
});

describeChannel({
  definition: ntfy,
  params: (url, secret) => ({ server: url, topic: 'acme-status', token: secret }),
  bad: [
    { params: { server: 'https://ntfy.sh' }, key: 'topic' },
    { params: { topic: 'has spaces' }, key: 'topic' },
    { params: { topic: 't', priority: 9 }, key: 'priority' },
  ],
});

describeChannel({
  definition: apprise,
  params: (url, secret) => ({ server: url, urls: [`tgram://${secret}/12345`], tag: 'ops' }),
  bad: [
    { params: { server: 'http://apprise:8000' }, key: 'key' },
    { params: { server: 'http://apprise:8000', key: 'k', urls: ['x://'] }, key: 'key' },
    { params: { key: 'k' }, key: 'server' },
  ],
});

describeChannel({
  definition: apprise,
  params: (url) => ({ server: url, key: 'acme' }),
  bad: [{ params: { server: 'http://apprise:8000', key: 'a/b' }, key: 'key' }],
});
