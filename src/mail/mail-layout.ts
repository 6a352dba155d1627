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
 * A mail in two languages has two sections, the second below a rule with its own language and direction.
 */
export function renderMail(sections: Array<{ content: MailContent; frame: MailFrame }>): { text: string; html: string } {
  const text = sections.map(({ content, frame }) => sectionText(content, frame)).join('\n\n----\n\n');
  const [first, ...rest] = sections;
  const html = `<!doctype html><html lang="${escapeHtml(first.frame.language)}" dir="${first.frame.direction}"><head><meta charset="utf-8"><title>${escapeHtml(first.content.title)}</title></head>
<body style="font-family:sans-serif;max-width:36em">
${sectionHtml(first.content, first.frame)}
${rest
  .map(
    ({ content, frame }) =>
      `<div lang="${escapeHtml(frame.language)}" dir="${frame.direction}" style="border-top:2px solid #999;margin-top:2em">\n${sectionHtml(content, frame)}\n</div>`,
  )
  .join('\n')}
</body></html>`;
  return { text, html };
}

function sectionText(content: MailContent, frame: MailFrame): string {
  return [
    content.title,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    ...(content.lock ? [`${content.lock.label}: ${content.lock.url}`, ''] : []),
    frame.footer,
  ].join('\n');
}

function sectionHtml(content: MailContent, frame: MailFrame): string {
  const link = (target: { label: string; url: string }): string => `<a href="${escapeHtml(target.url)}">${escapeHtml(target.label)}</a>`;
  return `<h1 style="font-size:1.3em">${escapeHtml(content.title)}</h1>
${content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${content.action ? `<p>${link(content.action)}</p>` : ''}
${content.lock ? `<p style="border-top:1px solid #ddd;padding-top:1em">${link(content.lock)}</p>` : ''}
<p style="color:#666">${escapeHtml(frame.footer)}</p>`;
}
