import { escapeHtml } from '#src/common/http/html';

/** A mail's words, already in its language. */
export interface MailContent {
  title: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** A security notice's "this wasn't me" link: it opens a page that locks the account. */
  lock?: { label: string; url: string };
}

export interface MailFrame {
  /** BCP 47 tag and writing direction of the mail's language. */
  language: string;
  direction: 'ltr' | 'rtl';
  /** The text part's last line, from the catalogue. */
  footer: string;
  productName: string;
  appUrl: string;
}

/**
 * One plain-text and one HTML rendering of the same content: the HTML part is a plain, accessible page
 * (its language and direction declared, one heading, real links) and says nothing the text part does not.
 */
export function renderMail(content: MailContent, frame: MailFrame): { text: string; html: string } {
  const text = [
    content.title,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    ...(content.lock ? [`${content.lock.label}: ${content.lock.url}`, ''] : []),
    frame.footer,
  ].join('\n');
  const link = (target: { label: string; url: string }): string => `<a href="${escapeHtml(target.url)}">${escapeHtml(target.label)}</a>`;
  const html = `<!doctype html><html lang="${escapeHtml(frame.language)}" dir="${frame.direction}"><head><meta charset="utf-8"><title>${escapeHtml(content.title)}</title></head>
<body style="font-family:sans-serif;max-width:36em">
<h1 style="font-size:1.3em">${escapeHtml(content.title)}</h1>
${content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${content.action ? `<p>${link(content.action)}</p>` : ''}
${content.lock ? `<p style="border-top:1px solid #ddd;padding-top:1em">${link(content.lock)}</p>` : ''}
<p style="color:#666">${escapeHtml(frame.footer)}</p>
</body></html>`;
  return { text, html };
}
