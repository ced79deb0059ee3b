// A real OpenID provider (npm oidc-provider, pinned in package.json) on a loopback port, for
// the single sign-on tests (tests/sso) and `make sso-demo`. Never for production.
//
//   OIDC_PORT=9090 OIDC_REDIRECT_URIS=http://127.0.0.1:5000/sign-in/sso/callback \
//     node tests/sso/provider.mjs
//
// Environment:
//   OIDC_PORT            the port on 127.0.0.1 (the issuer is http://127.0.0.1:<port>)
//   OIDC_REDIRECT_URIS   the app's callback addresses, comma-separated
//   OIDC_LOGOUT_URIS     where the provider's end-session may send the browser back
//                        (comma-separated; default: each redirect URI's /sign-in page)
//
// Accounts: sign in with any email address as the login, and any password. The subject
// (`sub`) is the login as typed; the email is the login in lower case, verified, except for
// addresses starting "unverified", whose email_verified is false.
//
// Clients: "sfo-review" (secret "sfo-review-secret") and "sfo-other" ("sfo-other-secret"),
// a second client whose ID tokens name another audience. PKCE is required of both.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 9090);
const issuer = `http://127.0.0.1:${port}`;
const redirectUris = (process.env.OIDC_REDIRECT_URIS || 'http://127.0.0.1:5000/sign-in/sso/callback')
  .split(',').map((uri) => uri.trim()).filter(Boolean);
const logoutUris = process.env.OIDC_LOGOUT_URIS
  ? process.env.OIDC_LOGOUT_URIS.split(',').map((uri) => uri.trim()).filter(Boolean)
  : redirectUris.map((uri) => new URL('/sign-in', uri).href);

function client(clientId, secret) {
  return {
    client_id: clientId,
    client_secret: secret,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: logoutUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

function account(login) {
  const email = String(login).trim().toLowerCase();
  const name = email.split('@')[0].split(/[._-]/).filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1)).join(' ');
  return {
    sub: String(login),
    email,
    email_verified: !email.startsWith('unverified'),
    name: name || email,
  };
}

const provider = new Provider(issuer, {
  clients: [client('sfo-review', 'sfo-review-secret'), client('sfo-other', 'sfo-other-secret')],
  // The ID token carries the scopes' claims (as HMPPS Auth's and Entra ID's do).
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  cookies: { keys: ['sfo-review-tests-only'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600 },
  async findAccount(ctx, id) {
    const claims = account(id);
    return { accountId: id, async claims() { return claims; } };
  },
  // No consent screen: every test client is granted the scopes it asks for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready: ${issuer}/.well-known/openid-configuration`);
});

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
