import { ConfigError } from '../config/parse.ts';

export function statusetatImportCommand(uri: string, _options: object): Promise<number> {
  throw new ConfigError([`--from-statusetat ${uri}: not available in this build`]);
}
