/**
 * The pages of a subscription's signed links: confirm (a button: mail scanners open links, and a
 * sign-up must not confirm itself), unsubscribe (RFC 8058: the GET asks, the POST removes) and
 * manage (the scope). Each works without JavaScript; every form posts back to its own link.
 */
import { Layout, type LayoutProps } from '../site/layout.tsx';

type Chrome = Omit<LayoutProps, 'children' | 'current' | 'title'>;

export interface ScopeOptions {
  groups: { name: string; components: { id: string; name: string }[] }[];
  /** Components without a group. */
  others: { id: string; name: string }[];
}

export interface ScopeChoice {
  components: string[];
  groups: string[];
}

/** Checkboxes for groups and components; none checked means everything. `prefix` keeps ids unique per page. */
export function ScopeFields(props: {
  options: ScopeOptions;
  selected?: ScopeChoice;
  prefix: string;
  error?: string;
}) {
  const selected = props.selected ?? { components: [], groups: [] };
  const errorId = `${props.prefix}-scope-error`;
  const box = (name: 'components' | 'groups', value: string, label: string, key: string) => (
    <label>
      <input
        type="checkbox"
        name={name}
        value={value}
        id={`${props.prefix}-${key}`}
        checked={(name === 'groups' ? selected.groups : selected.components).includes(value)}
      />
      {label}
    </label>
  );
  return (
    <div class="scope" aria-describedby={props.error ? errorId : undefined}>
      {props.options.groups.map((group, g) => (
        <fieldset>
          <legend>{group.name}</legend>
          <div class="choices">
            {box('groups', group.name, `All of ${group.name}`, `g${g}`)}
            {group.components.map((c, i) => box('components', c.id, c.name, `g${g}c${i}`))}
          </div>
        </fieldset>
      ))}
      {props.options.others.length ? (
        <fieldset>
          <legend>{props.options.groups.length ? 'Other components' : 'Components'}</legend>
          <div class="choices">
            {props.options.others.map((c, i) => box('components', c.id, c.name, `o${i}`))}
          </div>
        </fieldset>
      ) : null}
      {props.error ? (
        <p class="error-text" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

function Card(props: Chrome & { title: string; children: unknown }) {
  return (
    <Layout {...props} current="other" title={props.title}>
      <div class="card">
        <div class="card-body">{props.children}</div>
      </div>
    </Layout>
  );
}

/** Asks before confirming: the POST goes back to the same signed link. */
export function ConfirmPage(props: Chrome & { address: string; scope: string; action: string }) {
  return (
    <Card {...props} title="Confirm your subscription">
      <h1>Confirm your subscription</h1>
      <p>
        <strong>{props.address}</strong> will receive notices about {props.scope}.
      </p>
      <form method="post" action={props.action}>
        <button type="submit">Confirm</button>
      </form>
    </Card>
  );
}

/** Asks before unsubscribing (a GET must not unsubscribe); the form posts RFC 8058's one-click body. */
export function UnsubscribeAskPage(
  props: Chrome & { address: string; action: string; manageHref: string },
) {
  return (
    <Card {...props} title="Unsubscribe">
      <h1>Unsubscribe</h1>
      <p>
        Stop sending status notices to <strong>{props.address}</strong>?
      </p>
      <form method="post" action={props.action}>
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit" class="danger">
          Unsubscribe
        </button>
      </form>
      <p class="help">
        To receive fewer notices instead, <a href={props.manageHref}>choose what you receive</a>.
      </p>
    </Card>
  );
}

export function ManagePage(
  props: Chrome & {
    address: string;
    action: string;
    unsubscribeHref: string;
    options: ScopeOptions;
    selected: ScopeChoice;
    saved: boolean;
    error?: string;
  },
) {
  return (
    <Card {...props} title="Your subscription">
      <h1>Your subscription</h1>
      {props.saved ? (
        <p class="notice ok" role="status">
          Saved.
        </p>
      ) : null}
      <p>
        Notices for <strong>{props.address}</strong>. Choose the groups and components you want to
        hear about, incidents and maintenance alike; with none chosen, you receive everything.
      </p>
      <form method="post" action={props.action}>
        <ScopeFields
          options={props.options}
          selected={props.selected}
          prefix="manage"
          {...(props.error ? { error: props.error } : {})}
        />
        <button type="submit">Save</button>
      </form>
      <p class="help">
        <a href={props.unsubscribeHref}>Unsubscribe</a> from every notice.
      </p>
    </Card>
  );
}
