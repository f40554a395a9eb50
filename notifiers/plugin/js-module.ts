/**
 * A notifier written in JavaScript, loaded in-process from `params.path` (a .js, .mjs or .cjs
 * file). Its default export is either a NotifierDefinition (`parse` and `create`, exactly what the
 * built-in channels export: its params are the block's params without `path`) or a ready
 * Notifier-like object with at least `send`. The module is imported at `start()` (or on first use).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  NotifierError,
  NotifierStartError,
  type DeliveryContext,
  type DeliveryReceipt,
  type DirectMail,
  type Notification,
  type Notifier,
  type NotifierDefinition,
  type NotifierEnvironment,
} from '../types.ts';

export const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

export function isModulePath(path: string): boolean {
  return MODULE_EXTENSIONS.some((extension) => path.toLowerCase().endsWith(extension));
}

type Loaded = Partial<Notifier> & Pick<Notifier, 'send'>;

function isDefinition(value: unknown): value is NotifierDefinition {
  const candidate = value as Partial<NotifierDefinition> | null;
  return typeof candidate?.parse === 'function' && typeof candidate.create === 'function';
}

function isNotifierLike(value: unknown): value is Loaded {
  return typeof (value as Partial<Notifier> | null)?.send === 'function';
}

export class ModuleNotifier implements Notifier {
  readonly type = 'plugin';
  private inner: Loaded | undefined;
  private loading: Promise<Loaded> | undefined;

  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly params: Record<string, unknown>,
    private readonly environment: NotifierEnvironment,
  ) {}

  /** Known once the module is loaded; the app starts every channel before it delivers. */
  get perRecipient(): boolean {
    return this.inner?.perRecipient ?? false;
  }

  get configuredRecipients(): readonly string[] | undefined {
    return this.inner?.configuredRecipients;
  }

  wants(notification: Notification): boolean {
    return this.inner?.wants ? this.inner.wants(notification) : true;
  }

  async start(): Promise<void> {
    const inner = await this.load();
    await inner.start?.();
  }

  async send(notification: Notification, context: DeliveryContext): Promise<DeliveryReceipt> {
    const inner = await this.loadForUse();
    return inner.send(notification, context);
  }

  async sendMail(mail: DirectMail, context: DeliveryContext): Promise<DeliveryReceipt> {
    const inner = await this.loadForUse();
    if (!inner.sendMail)
      throw new NotifierError(this.name, false, 'this module does not send mail');
    return inner.sendMail(mail, context);
  }

  async preCheck(notification: Notification): Promise<void> {
    const inner = await this.loadForUse();
    await inner.preCheck?.(notification);
  }

  async close(): Promise<void> {
    const inner = this.inner ?? (await this.loading?.catch(() => undefined));
    await inner?.close?.();
  }

  private async loadForUse(): Promise<Loaded> {
    try {
      return await this.load();
    } catch (error) {
      throw new NotifierError(this.name, false, (error as Error).message, { cause: error });
    }
  }

  private load(): Promise<Loaded> {
    if (this.inner) return Promise.resolve(this.inner);
    this.loading ??= this.importModule().then(
      (inner) => (this.inner = inner),
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  private async importModule(): Promise<Loaded> {
    const file = resolve(this.path);
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(file)
          ? 'no such file'
          : `could not be imported: ${(error as Error).message}`;
      throw new NotifierStartError('path', `${this.path}: ${reason}`, { cause: error });
    }
    const exported = module.default;
    if (isDefinition(exported)) {
      const parsed = exported.parse(this.params);
      if (!parsed.ok) {
        const [first, ...rest] = parsed.problems;
        const more = rest.map((problem) => `; params.${problem.key}: ${problem.message}`).join('');
        throw new NotifierStartError(first!.key, `${first!.message}${more}`);
      }
      return exported.create(parsed.params, this.environment, this.name);
    }
    if (isNotifierLike(exported)) return exported;
    throw new NotifierStartError(
      'path',
      `${this.path}: its default export is neither a notifier definition (parse and create) nor a notifier (send)`,
    );
  }
}
