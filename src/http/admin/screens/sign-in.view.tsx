/** The sign-in form: the only admin page shown without a session. */
import { PageShell, type SiteInfo } from '../../site/layout.tsx';
import { adminTitle, Csrf, NO_INDEX } from '../shell.tsx';

export interface SignInProps {
  site: SiteInfo;
  /** The login-CSRF token, bound to the short-lived cookie sent with this page. */
  token: string;
  username: string;
  next: string;
  error?: string;
}

export function SignInPage(props: SignInProps) {
  return (
    <PageShell title={adminTitle('Sign in', props.site)} head={NO_INDEX}>
      <main id="main" class="wrap">
        <div class="card signin">
          <div class="card-body">
            <h1>Sign in</h1>
            <p class="help">Administration of {props.site.title}.</p>
            {props.error ? (
              <div class="notice error" role="alert">
                {props.error}
              </div>
            ) : null}
            <form method="post" action="/admin/login">
              <Csrf token={props.token} />
              <input type="hidden" name="next" value={props.next} />
              <div class="field">
                <label for="username">Username</label>
                <input
                  id="username"
                  name="username"
                  type="text"
                  autocomplete="username"
                  required
                  value={props.username}
                  autofocus
                />
              </div>
              <div class="field">
                <label for="password">Password</label>
                <input
                  id="password"
                  name="password"
                  type="password"
                  autocomplete="current-password"
                  required
                />
              </div>
              <button type="submit">Sign in</button>
            </form>
            <p>
              <a href="/">← Status page</a>
            </p>
          </div>
        </div>
      </main>
    </PageShell>
  );
}
