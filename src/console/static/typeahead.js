/**
 * Typeahead on a search box (WAI-ARIA combobox with a listbox): suggestions from GET /suggest as the user
 * types; ArrowDown/ArrowUp move through them, Enter takes one, Escape closes the list.
 */
import { getJson } from './api.js';
import { fill, h } from './dom.js';
import { formatNumber, label } from './format.js';

const DEBOUNCE_MS = 150;

export function attachTypeahead(input, list, { onPick }) {
  let options = [];
  let active = -1;
  let timer;
  let asked = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (index) => {
    active = index;
    for (const [i, li] of [...list.children].entries()) li.setAttribute('aria-selected', String(i === index));
    if (index >= 0) input.setAttribute('aria-activedescendant', `${list.id}-${index}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const pick = (index) => {
    const option = options[index];
    if (!option) return;
    input.value = option.term;
    close();
    onPick(option);
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) return close();
    timer = setTimeout(async () => {
      const ticket = ++asked;
      const params = new URLSearchParams({ q: text, limit: '8' });
      const result = await getJson('/suggest', params).catch(() => ({ suggestions: [] }));
      if (ticket !== asked) return;
      options = result.suggestions;
      if (options.length === 0) return close();
      fill(
        list,
        options.map((o, i) =>
          h(
            'div',
            {
              id: `${list.id}-${i}`,
              role: 'option',
              'aria-selected': 'false',
              onmousedown: (e) => {
                e.preventDefault();
                pick(i);
              },
            },
            h('span', {}, o.term),
            h('span', { class: 'muted' }, `${label(o.kind.toUpperCase())} · ${formatNumber(o.studyCount)}`),
          ),
        ),
      );
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
    }, DEBOUNCE_MS);
  });

  input.addEventListener('keydown', (event) => {
    // Enter without a chosen suggestion submits the form: a suggestion list still loading must not open over it.
    if (event.key === 'Enter' && active < 0) {
      clearTimeout(timer);
      asked++;
      close();
      return;
    }
    if (list.hidden) return;
    if (event.key === 'ArrowDown') highlight((active + 1) % options.length);
    else if (event.key === 'ArrowUp') highlight(active <= 0 ? options.length - 1 : active - 1);
    else if (event.key === 'Escape') close();
    else if (event.key === 'Enter' && active >= 0) pick(active);
    else return;
    event.preventDefault();
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
}
