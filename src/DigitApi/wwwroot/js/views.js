// Rendering of answers: probability bars, the model comparison and the boxes of a number.
// Everything is built with DOM calls (no innerHTML), and sizes are CSS custom properties, which the
// page's Content-Security-Policy allows.

const NAMES = { cnn: 'CNN', lenet: 'LeNet-5', mlp: 'MLP', logreg: 'Logistic regression', ensemble: 'Ensemble' };
const percent = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const wholePercent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });

/** The page's words for a 422 /problems/not-a-digit. */
export const NOT_A_DIGIT = "That doesn't look like a digit";

export const displayName = (name) => NAMES[name] ?? name;
export const formatPercent = (p) => percent.format(p);

/** Creates an element: el('li', { className: 'bar' }, child, 'text', ...). */
export function el(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role') {
      element.setAttribute(key, value);
    } else {
      element[key] = value;
    }
  }

  element.append(...children);
  return element;
}

/** Ten columns, one per digit, the predicted one highlighted; each has a text equivalent. */
export function renderBars(list, probabilities, digit, { labels = true } = {}) {
  list.replaceChildren(
    ...probabilities.map((p, d) => {
      const item = el(
        'li',
        { className: d === digit ? 'bar top' : 'bar', title: `${d}: ${formatPercent(p)}` },
        el('span', { className: 'bar-value', 'aria-hidden': 'true', textContent: labels && p >= 0.01 ? wholePercent.format(p) : '' }),
        el('span', { className: 'bar-track', 'aria-hidden': 'true' }, el('span', { className: 'bar-fill' })),
        el('span', { className: 'bar-label', 'aria-hidden': 'true', textContent: String(d) }),
        el('span', { className: 'visually-hidden', textContent: `${d}: ${formatPercent(p)}` }),
      );
      item.style.setProperty('--p', Math.max(0, Math.min(1, p)).toFixed(4));
      return item;
    }),
  );
}

/**
 * One card per model, side by side. entries: [{ name, accuracy, members?, result?, problem? }]
 * (result is a /predict answer, problem a Problem).
 */
export function renderComparison(container, entries) {
  container.replaceChildren(
    ...entries.map((entry) => {
      const heading = el('h3', { textContent: displayName(entry.name) });
      const about = el('p', {
        className: 'model-about',
        textContent: [
          entry.members ? `mean of ${entry.members.map(displayName).join(', ')}` : '',
          entry.accuracy ? `${entry.accuracy} % on MNIST` : '',
        ].filter(Boolean).join(' · '),
      });
      const card = el('article', { className: entry.members ? 'model-card ensemble' : 'model-card', 'data-model': entry.name }, heading, about);
      if (entry.result) {
        const { digit, confidence, probabilities } = entry.result;
        card.append(
          el('p', { className: 'model-answer' },
            el('span', { className: 'model-digit', textContent: String(digit) }),
            el('span', { className: 'model-confidence', textContent: entry.result.uncertain ? `${formatPercent(confidence)} · not sure` : formatPercent(confidence) })),
        );
        const bars = el('ol', { className: 'bars compact', 'aria-label': `${displayName(entry.name)} probabilities` });
        renderBars(bars, probabilities, digit, { labels: false });
        card.append(bars);
      } else if (entry.problem) {
        const title = entry.problem.kind === 'not-a-digit' ? NOT_A_DIGIT : entry.problem.title;
        card.append(el('p', { className: 'model-problem', textContent: title }));
      } else {
        card.append(el('p', { className: 'model-problem', textContent: 'Waiting…' }));
      }

      return card;
    }),
  );
}

/** Boxes (in image pixels) drawn over the image, as percentages so they follow its displayed size. */
export function renderBoxes(layer, digits, imageWidth, imageHeight) {
  layer.replaceChildren(
    ...digits.map((d, i) => {
      const box = el('div', { className: 'box', 'data-index': String(i) }, el('span', { className: 'box-label', textContent: String(d.digit) }));
      box.style.setProperty('--x', String(d.box.x / imageWidth));
      box.style.setProperty('--y', String(d.box.y / imageHeight));
      box.style.setProperty('--w', String(d.box.width / imageWidth));
      box.style.setProperty('--h', String(d.box.height / imageHeight));
      return box;
    }),
  );
}

/** The digits of a number as a list: each digit with its confidence; an uncertain one is marked "?". */
export function renderNumberDigits(list, digits) {
  list.replaceChildren(
    ...digits.map((d) =>
      el('li', { className: d.uncertain ? 'number-digit uncertain' : 'number-digit', title: d.uncertain ? 'Not sure of this digit' : '' },
        el('span', { className: 'number-digit-value', textContent: d.uncertain ? `${d.digit}?` : String(d.digit) }),
        el('span', { className: 'number-digit-confidence', textContent: formatPercent(d.confidence) }))),
  );
}

/** The two most probable digits, most probable first. */
export function topTwo(probabilities) {
  const order = probabilities.map((p, digit) => ({ p, digit })).sort((a, b) => b.p - a.p);
  return [order[0].digit, order[1].digit];
}

/** What an uncertain answer says: "Not sure: 4 or 9?". */
export const unsureText = (probabilities) => {
  const [first, second] = topTwo(probabilities);
  return `Not sure: ${first} or ${second}?`;
};
