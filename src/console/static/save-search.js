/**
 * "Save this search" on the search page: saves the search in the page URL (without its page) under a name,
 * with an optional webhook (POST /searches, an admin action). The alerts page then shows what each sync
 * added to, changed in and removed from its results.
 */
import { postAdmin } from './api.js';
import { byId, fill, h } from './dom.js';
import { formatNumber } from './format.js';
import { apiParams, currentParams, firstPage } from './search-state.js';

export function attachSaveSearch(form) {
  const status = byId('save-search-status');
  const field = (name) => form.elements.namedItem(name);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const webhookUrl = field('webhookUrl').value.trim();
      const saved = await postAdmin('/searches', {
        name: field('name').value,
        query: apiParams(firstPage(currentParams())).toString(),
        ...(webhookUrl ? { webhookUrl } : {}),
      });
      fill(
        status,
        `Saved “${saved.name}”: ${formatNumber(saved.matches)} studies match now. `,
        h('a', { href: `/console/alerts.html#search-${saved.id}` }, 'See its alerts'),
      );
      form.reset();
    } catch (error) {
      fill(status, h('span', { class: 'error', role: 'alert' }, error.message));
    } finally {
      button.disabled = false;
    }
  });
}
