// What the CLI prints when it fails goes to a terminal or a log collector, so anything that looks
// like a credential is masked first. Today's messages carry none (ConfigError never quotes a
// value); a database driver's error may quote its connection string, e.g.
// `postgres://app:s3cret@db:5432/auth` or `...?password=s3cret`.

// Greedy up to the LAST '@' of the authority: URL parsers (WHATWG, pg) read a raw '@' in a
// password as part of it, so `postgres://app:pa@ss@db/x` has password `pa@ss`.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi
// Any name ending in a secret word (PGPASSWORD, JWT_SECRET, client_secret), spaces around '='
// and libpq's quoted values ('it\'s a secret') included.
const SECRET_PARAM = /\b([a-z0-9_]*(?:password|passwd|pwd|secret|token|api_?key))\s*=\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;'"]+)/gi

/** `text` with URL credentials and password-like parameters replaced by `***`. */
export function redactSecrets(text: string): string {
  return text.replace(URL_USERINFO, '$1***@').replace(SECRET_PARAM, '$1=***')
}
