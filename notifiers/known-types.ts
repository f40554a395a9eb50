/**
 * The notifier types a config may name. statusetat's channels are listed so that its configs
 * start, but none is implemented yet: a block of a known type is accepted with a warning at start,
 * any other type is refused. A channel added to this folder marks its type implemented here.
 */
export interface NotifierType {
  type: string;
  implemented: boolean;
}

export const NOTIFIER_TYPES: readonly NotifierType[] = [
  { type: 'slack', implemented: false },
  { type: 'email', implemented: false },
  { type: 'grafana_annotation', implemented: false },
  // statusetat loads a plugin from `params.path`, under `plugin` or the name the plugin gives itself.
  { type: 'plugin', implemented: false },
];
