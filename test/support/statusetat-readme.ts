/**
 * The development config from statusetat's README, as published (`group: ~`, a Slack and a plugin
 * notifier). Its reference section spells the zone key `timezone`; Staunch's is `time_zone`.
 */
export function statusetatReadmeConfig(zoneKey: 'timezone' | 'time_zone' = 'timezone'): string {
  return `listen: 0.0.0.0:8080 # this will listen in http on port 8080
targets:
- sqlite://./store.db
log:
  level: debug
components:
- name: my-service
  description: description of my service
  group: ~
notifiers:
- type: slack
  params:
    endpoint: http://my-mattermost.com/hooks/aj6na7hz5ib1mfs3eggc1bu8tk
- type: plugin
  params:
    path: /path/to/my/plugin.so
username: admin
password: admin
cookie_key: encryption-key-for-cookies
base_info:
  base_url: http://localhost:8080
  support: https://doc.to.my.service.com
  contact: http://my-mattermost.com/channel/town
  ${zoneKey}: UTC
`;
}
