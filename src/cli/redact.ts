// What the CLI prints when it fails goes to a terminal or a log collector, so anything that looks
// like a credential is masked first. Today's messages carry none (ConfigError never quotes a
// value); a database driver's error may quote its connection string, e.g.
// `postgres://app:s3cret@db:5432/auth` or `...?password=s3cret`.

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi
const SECRET_PARAM = /\b(password|passwd|pwd|secret|token|access_token|refresh_token|api_key|apikey)=([^\s&;'"]+)/gi

/** `text` with URL credentials and password-like parameters replaced by `***`. */
export function redactSecrets(text: string): string {
  return text.replace(URL_USERINFO, '$1***@').replace(SECRET_PARAM, '$1=***')
}
