import { escapeHtml } from '#src/common/http/html';
export interface MailContent {
  title: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** A security notice's "this wasn't me" link: it opens a page that locks the account. */
  lockUrl?: string;
}

const LOCK_TEXT =
  'Not you? This wasn\u2019t me \u2014 lock my account (every device is signed out and nobody can sign in until you unlock it from this mailbox)';

/** One plain-text and one HTML rendering of the same content, with the product name and site address. */
export function renderMail(productName: string, appUrl: string, content: MailContent): { text: string; html: string } {
  const text = [
    content.title,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    ...(content.lockUrl ? [`${LOCK_TEXT}: ${content.lockUrl}`, ''] : []),
    `— ${productName}, ${appUrl}`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif;max-width:36em">
<h1 style="font-size:1.3em">${escapeHtml(content.title)}</h1>
${content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${content.action ? `<p><a href="${escapeHtml(content.action.url)}">${escapeHtml(content.action.label)}</a></p>` : ''}
${content.lockUrl ? `<p style="border-top:1px solid #ddd;padding-top:1em"><a href="${escapeHtml(content.lockUrl)}">${escapeHtml(LOCK_TEXT)}</a></p>` : ''}
<p style="color:#666">${escapeHtml(productName)} · <a href="${escapeHtml(appUrl)}">${escapeHtml(appUrl)}</a></p>
</body></html>`;
  return { text, html };
}
