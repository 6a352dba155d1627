/**
 * A sent message as a person reads it: quoted-printable parts (soft line breaks, `=XX` bytes) and encoded-word
 * headers (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) decoded as UTF-8; every other part as it was on the wire.
 */
export function readableMessage(raw: string): string {
  const out: string[] = [];
  let inHeaders = true;
  let quotedPrintable = false;
  let part: string[] = [];
  const endPart = (): void => {
    if (part.length > 0) out.push(quotedPrintable ? decodeQuotedPrintable(part.join('\n')) : part.join('\n'));
    part = [];
  };
  for (const line of raw.replace(/\r\n/g, '\n').replace(/\n[ \t]+(?==\?)/g, ' ').split('\n')) {
    if (/^--[^\s]{8,}$/.test(line)) {
      endPart();
      out.push(line);
      inHeaders = true;
      quotedPrintable = false;
    } else if (inHeaders) {
      if (line === '') inHeaders = false;
      if (/^Content-Transfer-Encoding:\s*quoted-printable/i.test(line)) quotedPrintable = true;
      out.push(line.replace(/=\?[^?]+\?[QqBb]\?[^?]*\?=(?:\s+(?==\?))?/g, (word) => decodeEncodedWord(word.trim())));
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

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\n/g, '').replace(/(?:=[0-9A-F]{2})+/g, (run) => Buffer.from(run.replace(/=/g, ''), 'hex').toString('utf8'));
}

function decodeEncodedWord(word: string): string {
  const match = /^=\?([^?]+)\?([QqBb])\?([^?]*)\?=$/.exec(word);
  if (!match) return word;
  const [, , encoding, payload] = match;
  if (encoding.toUpperCase() === 'B') return Buffer.from(payload, 'base64').toString('utf8');
  return Buffer.from(payload.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}
