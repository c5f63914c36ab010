// The DigitApi endpoints the page uses. Errors come back as RFC 7807 ProblemDetails and are thrown
// as Problem, with a hint that tells a person what to do next.

const HINTS = {
  'no-digit-found': 'Draw a digit on the pad first, or upload a picture of one.',
  'not-a-digit': 'Draw one digit, 0 to 9, or upload a picture of one.',
  'unsupported-image-format': 'Use a PNG, JPEG, GIF, BMP or WebP image.',
  'unsupported-media-type': 'Use a PNG, JPEG, GIF, BMP or WebP image.',
  'undecodable-image': 'The file may be damaged or not really an image. Try another one.',
  'image-too-large': 'Try a smaller image, or crop it to the digit.',
  'too-large': 'Try a smaller image, or crop it to the digit.',
  'unknown-model': 'Pick another model from the list.',
  unavailable: 'The service is busy. Try again in a moment.',
  'rate-limited': 'The service is busy. Try again in a moment.',
};

export class Problem extends Error {
  constructor({ status = 0, title, detail, type = '', retryAfter = null, guess = null }) {
    super(detail || title);
    this.name = 'Problem';
    this.status = status;
    this.title = title || 'Something went wrong';
    this.detail = detail || '';
    this.type = type;
    this.kind = type.split('/').pop();
    this.retryAfter = retryAfter;
    // not-a-digit: the model's best guess anyway, { digit, confidence, model } or { number, confidence, model }.
    this.guess = guess;
  }

  get hint() {
    const hint = HINTS[this.kind] ?? (this.status >= 500 ? 'Try again in a moment.' : '');
    return this.retryAfter ? `${hint} (retry after ${this.retryAfter} s)`.trim() : hint;
  }

  static async fromResponse(response) {
    let body = {};
    const contentType = response.headers.get('Content-Type') ?? '';
    if (contentType.includes('json')) {
      try {
        body = await response.json();
      } catch {
        body = {};
      }
    }

    return new Problem({
      status: response.status,
      title: body.title ?? (response.statusText || `HTTP ${response.status}`),
      detail: body.detail ?? '',
      type: body.type ?? '',
      retryAfter: response.headers.get('Retry-After'),
      guess: 'digit' in body || 'number' in body
        ? { digit: body.digit, number: body.number, confidence: body.confidence, model: body.model }
        : null,
    });
  }
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new Problem({ title: 'Cannot reach the service', detail: 'Check your connection and try again.' });
  }

  if (!response.ok) {
    throw await Problem.fromResponse(response);
  }

  return response.json();
}

function upload(path, image, query) {
  const form = new FormData();
  form.append('image', image, image.name || 'image.png');
  const params = new URLSearchParams(Object.entries(query).filter(([, value]) => value));
  const url = params.size > 0 ? `${path}?${params}` : path;
  return send(url, { method: 'POST', body: form, headers: { Accept: 'application/json' } });
}

/** The catalog: { defaultModel, models: [{ card, runtime }], ensemble }. */
export const getModels = () => send('models', { headers: { Accept: 'application/json' } });

/**
 * One digit: { digit, confidence, uncertain, probabilities, model, elapsedMs, input? }. Something that is not
 * a digit is thrown as a Problem of kind 'not-a-digit', with the best guess.
 */
export const predictDigit = (image, model, includeInput = true) =>
  upload('predict', image, { model, include: includeInput ? 'input' : '' });

/** Several digits: { number, confidence, uncertain, digits: [{ digit, confidence, uncertain, box }] }. */
export const predictNumber = (image, model) => upload('predict/number', image, { model });

/**
 * Whether this server has /predict/number (it is newer than /predict). An empty POST costs no image:
 * the endpoint answers 400 (no image), a server without it 404 or 405.
 */
export async function hasNumberEndpoint() {
  try {
    const response = await fetch('predict/number', { method: 'POST', headers: { Accept: 'application/json' } });
    return response.status !== 404 && response.status !== 405;
  } catch {
    return false;
  }
}
