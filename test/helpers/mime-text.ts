/**
 * A sent message as a person reads it: quoted-printable parts (soft line breaks, `=XX` bytes) and encoded-word
 * headers (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) decoded as UTF-8; every other part as it was on the wire.
 */
export function readableMessage(raw: string): string {
  const out: string[] = [];
  let inHeaders = true;
  let encoding = '7bit';
  let part: string[] = [];
  const endPart = (): void => {
    if (part.length > 0) out.push(decodeBody(part.join('\n'), encoding));
    part = [];
  };
  for (const line of raw
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+(?==\?)/g, ' ')
    .split('\n')) {
    if (/^--[^\s]{8,}$/.test(line)) {
      endPart();
      out.push(line);
      inHeaders = true;
      encoding = '7bit';
    } else if (inHeaders) {
      if (line === '') inHeaders = false;
      encoding = /^Content-Transfer-Encoding:\s*(\S+)/i.exec(line)?.[1].toLowerCase() ?? encoding;
      out.push(line.replace(/=\?[^?]+\?[QqBb]\?[^?]*\?=(?:\s+=\?[^?]+\?[QqBb]\?[^?]*\?=)*/g, decodeEncodedWords));
    } else {
      part.push(line);
    }
  }
  endPart();
  return out.join('\n');
}

/** One header's value, decoded (`Subject`, `To`). */
export function headerOf(message: string, name: string): string {
  return new RegExp(`^${name}: (.*)$`, 'mi').exec(message)?.[1] ?? '';
}

/** The text part of a message (after readableMessage), or its HTML part. */
export function partOf(message: string, type: 'text/plain' | 'text/html'): string {
  const start = message.search(new RegExp(`^Content-Type: ${type}`, 'mi'));
  if (start < 0) return '';
  const body = message.slice(start).replace(/^[\s\S]*?\n\n/, '');
  return body.split(/\n--[^\s]{8,}/)[0].trim();
}

function decodeBody(text: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding !== 'quoted-printable') return text;
  return text.replace(/=\n/g, '').replace(/(?:=[0-9A-F]{2})+/g, (run) => Buffer.from(run.replace(/=/g, ''), 'hex').toString('utf8'));
}

/** A run of encoded words: their bytes joined before decoding (a character may be split between two words). */
function decodeEncodedWords(run: string): string {
  const bytes = [...run.matchAll(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g)].map(([, encoding, payload]) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(payload, 'base64')
      : Buffer.from(
          payload.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ),
  );
  return Buffer.concat(bytes).toString('utf8');
}
