// The upload page: the tutorial's templates/index.html, rendered with the token carried in the
// form's action (the tutorial's form posted to an unprotected /upload) and the user's files
// listed with download links. Every value is HTML-escaped; the token travels only in URLs of
// this origin, and the answer's headers keep it out of Referer headers and caches.

import type { FastifyReply } from 'fastify'
import type { StoredFile } from './storage.js'
import { formatBytes } from './upload.js'

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** `path?token=...` with the token encoded for a URL, then escaped for an attribute. */
const withToken = (path: string, token: string) => escape(`${path}?token=${encodeURIComponent(token)}`)

export function uploadPage(token: string, files: readonly StoredFile[], maxFileBytes: number): string {
  const rows = files
    .map((f) => `\t\t\t<li><a href="${withToken(`/files/${f.id}`, token)}" download>${escape(f.filename)}</a> (${escape(formatBytes(f.size))}): ${escape(f.description)}</li>`)
    .join('\n')
  return `<!DOCTYPE html>
<html lang="en">
	<head>
		<meta charset="UTF-8" />
		<meta name="viewport" content="width=device-width, initial-scale=1.0" />
		<title>File Upload</title>
	</head>
	<body>
		<form
			style="display: flex; flex-direction: column; width: 20%;"
			method="POST"
			action="${withToken('/upload', token)}"
			enctype="multipart/form-data"
		>
			<input type="file" name="inputFile" required />
			<textarea
				name="description"
				rows="4"
				cols="1"
				maxlength="200"
				required
				placeholder="description..."
			></textarea>
			<button type="submit">Submit</button>
		</form>
		<p>Files up to ${escape(formatBytes(maxFileBytes, true))}.</p>
		<h2>Your files</h2>
		<ul id="files">
${rows}
		</ul>
	</body>
</html>
`
}

/**
 * Headers for an answer whose URL or body holds the token: no Referer leaves with it, no cache
 * keeps it, and the page runs no script and posts only to this origin.
 */
export function tokenPageHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  })
}

/**
 * `Content-Disposition: attachment` with the name as given (RFC 6266: an ASCII fallback and the
 * UTF-8 `filename*`). Downloads are never rendered by the browser: an uploaded HTML file stays a
 * file, not a page of this origin.
 */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}
