// The draw-a-digit page: wires the pad, uploads and the model list to the DigitApi endpoints.
import { getModels, hasNumberEndpoint, predictDigit, predictNumber, Problem } from './api.js';
import { DrawingPad } from './drawing-pad.js';
import {
  displayName, el, formatPercent, NOT_A_DIGIT, renderBars, renderBoxes, renderComparison, renderNumberDigits, unsureText,
} from './views.js';

const SIZES = { digit: [280, 280], number: [560, 280] };
const LIVE_DELAY_MS = 350;

const $ = (id) => document.getElementById(id);
const ui = {
  stage: $('stage'), canvas: $('pad'), preview: $('upload-preview'), boxes: $('boxes'), help: $('pad-help'),
  undo: $('undo'), clear: $('clear'), penWidth: $('pen-width'), penWidthValue: $('pen-width-value'),
  model: $('model'), upload: $('upload'), file: $('file'), recognise: $('recognise'),
  live: $('live'), compare: $('compare'), modes: $('modes'),
  announcer: $('announcer'), error: $('error'), errorTitle: $('error-title'), errorDetail: $('error-detail'), errorGuess: $('error-guess'),
  result: $('result'), placeholder: $('placeholder'), digitResult: $('digit-result'), unsure: $('unsure'), digit: $('digit'),
  confidence: $('confidence'), confidenceBar: $('confidence-bar'), resultModel: $('result-model'), elapsed: $('elapsed'),
  bars: $('bars'), modelInput: $('model-input'),
  numberResult: $('number-result'), numberUnsure: $('number-unsure'), number: $('number'), numberConfidence: $('number-confidence'),
  numberModel: $('number-model'), numberDigits: $('number-digits'),
  compareCard: $('compare-card'), comparison: $('comparison'),
};

const pad = new DrawingPad(ui.canvas);
const state = {
  mode: 'digit',
  file: null, // an uploaded, dropped or pasted image; null while drawing
  previewUrl: null,
  catalog: null,
  request: 0, // the latest request; answers to older ones are dropped
  liveTimer: 0,
};

const hasImage = () => state.file !== null || !pad.isEmpty;
const selectedMode = () => document.querySelector('input[name="mode"]:checked').value;

// ---- Results -------------------------------------------------------------------------------------

/** idle, stale (the image changed since the answer), busy, done or error. */
function setState(value) {
  ui.result.dataset.state = value;
  ui.result.setAttribute('aria-busy', String(value === 'busy'));
}

/** The image changed: answers still on their way are for the old one. */
function markStale() {
  state.request++;
  if (ui.result.dataset.state !== 'idle') {
    setState('stale');
  }
}

function showProblem(problem) {
  // Not a digit is said in plain words, with what to do; the server's detail is written for API clients.
  const notADigit = problem.kind === 'not-a-digit';
  ui.errorTitle.textContent = notADigit ? NOT_A_DIGIT : problem.title;
  ui.errorDetail.replaceChildren(
    ...[notADigit ? '' : problem.detail, problem.hint].filter(Boolean).map((text) => el('span', { textContent: text })),
  );
  const guess = notADigit ? problem.guess : null;
  ui.errorGuess.hidden = !guess;
  ui.errorGuess.textContent = guess
    ? `Best guess: ${guess.number ?? guess.digit} (${formatPercent(guess.confidence ?? 0)}, ${displayName(guess.model ?? '')})`
    : '';
  ui.error.dataset.kind = problem.kind ?? '';
  ui.error.hidden = false;
  ui.announcer.textContent = '';
}

function hideProblem() {
  ui.error.hidden = true;
}

function resetResults() {
  state.request++;
  clearTimeout(state.liveTimer);
  hideProblem();
  ui.digitResult.hidden = true;
  ui.numberResult.hidden = true;
  ui.placeholder.hidden = false;
  ui.boxes.replaceChildren();
  ui.comparison.replaceChildren();
  ui.announcer.textContent = '';
  setState('idle');
}

function showDigit(answer) {
  ui.placeholder.hidden = true;
  ui.numberResult.hidden = true;
  ui.digitResult.hidden = false;
  ui.digit.textContent = String(answer.digit);
  ui.digitResult.dataset.uncertain = String(Boolean(answer.uncertain));
  ui.unsure.hidden = !answer.uncertain;
  ui.unsure.textContent = answer.uncertain ? unsureText(answer.probabilities) : '';
  ui.confidence.textContent = formatPercent(answer.confidence);
  ui.confidenceBar.style.setProperty('--p', answer.confidence.toFixed(4));
  ui.resultModel.textContent = displayName(answer.model);
  ui.elapsed.textContent = `${answer.elapsedMs.toFixed(1)} ms on the server`;
  renderBars(ui.bars, answer.probabilities, answer.digit);
  if (answer.input) {
    ui.modelInput.src = `data:image/png;base64,${answer.input}`;
  }

  ui.announcer.textContent = `${answer.uncertain ? `${ui.unsure.textContent} ` : ''}Recognised ${answer.digit}, ${formatPercent(answer.confidence)} confident (${displayName(answer.model)}).`;
}

function showNumber(answer, imageWidth, imageHeight) {
  ui.placeholder.hidden = true;
  ui.digitResult.hidden = true;
  ui.numberResult.hidden = false;
  ui.number.textContent = answer.number;
  ui.numberUnsure.hidden = !answer.uncertain;
  ui.numberConfidence.textContent = formatPercent(answer.confidence ?? 0);
  ui.numberModel.textContent = displayName(ui.model.value || state.catalog?.defaultModel || '');
  renderNumberDigits(ui.numberDigits, answer.digits ?? []);
  renderBoxes(ui.boxes, answer.digits ?? [], imageWidth, imageHeight);
  placeBoxes();
  ui.announcer.textContent = `Recognised the number ${answer.number}, ${formatPercent(answer.confidence ?? 0)} confident.`;
}

/** The model list for the comparison: every single model, then the ensemble. */
function comparedModels() {
  const models = (state.catalog?.models ?? []).map(({ card }) => ({ name: card.name, accuracy: card.testAccuracy }));
  const ensemble = state.catalog?.ensemble;
  if (ensemble) {
    models.push({ name: ensemble.name, accuracy: ensemble.testAccuracy, members: ensemble.members });
  }

  return models;
}

async function compareAll(image, selected, request) {
  const entries = comparedModels();
  renderComparison(ui.comparison, entries);
  const answers = await Promise.allSettled(
    entries.map((entry) => (entry.name === selected.model ? selected : predictDigit(image, entry.name, false))),
  );
  if (request !== state.request) {
    return;
  }

  answers.forEach((answer, i) => {
    entries[i][answer.status === 'fulfilled' ? 'result' : 'problem'] = answer.value ?? answer.reason;
  });
  renderComparison(ui.comparison, entries);
}

// ---- Recognition ---------------------------------------------------------------------------------

async function currentImage() {
  if (state.file) {
    const size = await imageSize(ui.preview);
    return { image: state.file, ...size };
  }

  return { image: await pad.toFile(), width: ui.canvas.width, height: ui.canvas.height };
}

function imageSize(img) {
  if (img.complete && img.naturalWidth > 0) {
    return Promise.resolve({ width: img.naturalWidth, height: img.naturalHeight });
  }

  return new Promise((resolve) => {
    const done = () => resolve({ width: img.naturalWidth || 1, height: img.naturalHeight || 1 });
    img.addEventListener('load', done, { once: true });
    img.addEventListener('error', done, { once: true });
  });
}

/** On a phone the answer is below the pad: bring it into view after an explicit request. */
function reveal() {
  if (matchMedia('(max-width: 820px)').matches) {
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    ui.result.closest('section').scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
  }
}

async function recognise({ revealAnswer = false } = {}) {
  clearTimeout(state.liveTimer);
  const request = ++state.request;
  setState('busy');
  const mode = state.mode;
  const model = ui.model.value;
  try {
    const { image, width, height } = await currentImage();
    if (mode === 'number') {
      const answer = await predictNumber(image, model);
      if (request === state.request) {
        hideProblem();
        showNumber(answer, width, height);
      }
    } else {
      const main = await predictDigit(image, model);
      if (request !== state.request) {
        return;
      }

      hideProblem();
      ui.boxes.replaceChildren();
      showDigit(main);
      if (ui.compare.checked) {
        await compareAll(image, main, request);
      }
    }

    if (request === state.request) {
      setState('done');
      if (revealAnswer) {
        reveal();
      }
    }
  } catch (error) {
    if (request !== state.request) {
      return;
    }

    const problem = error instanceof Problem ? error : new Problem({ title: 'Something went wrong', detail: String(error.message ?? error) });
    if (mode === 'number' && problem.status === 404 && problem.kind !== 'unknown-model') {
      disableNumberMode();
    }

    ui.digitResult.hidden = true;
    ui.numberResult.hidden = true;
    ui.placeholder.hidden = true;
    ui.comparison.replaceChildren();
    ui.boxes.replaceChildren();
    showProblem(problem);
    setState('error');
    if (revealAnswer) {
      reveal();
    }
  }
}

function recogniseSoon() {
  clearTimeout(state.liveTimer);
  if (ui.live.checked && hasImage()) {
    state.liveTimer = setTimeout(() => recognise(), LIVE_DELAY_MS);
  }
}

// ---- Sources: the pad or an image file -----------------------------------------------------------

function useFile(file) {
  if (!file) {
    return;
  }

  pad.clear();
  resetResults();
  if (state.previewUrl) {
    URL.revokeObjectURL(state.previewUrl);
  }

  state.file = file;
  state.previewUrl = URL.createObjectURL(file);
  ui.preview.src = state.previewUrl;
  ui.preview.alt = `The uploaded image ${file.name || ''}`.trim();
  ui.preview.hidden = false;
  ui.canvas.hidden = true;
  ui.stage.dataset.source = 'file';
  ui.help.textContent = 'Showing your image. Press Clear to draw instead.';
  recognise({ revealAnswer: true });
}

function backToDrawing() {
  if (state.previewUrl) {
    URL.revokeObjectURL(state.previewUrl);
  }

  state.file = null;
  state.previewUrl = null;
  ui.preview.hidden = true;
  ui.preview.removeAttribute('src');
  ui.canvas.hidden = false;
  ui.stage.dataset.source = 'pad';
  ui.help.textContent = 'Draw with a mouse, pen or finger, or upload, drop or paste (Ctrl+V) an image.';
}

function clearAll() {
  backToDrawing();
  pad.clear();
  resetResults();
}

function undo() {
  if (state.file) {
    clearAll();
    return;
  }

  pad.undo();
}

/** Lays the box layer exactly over the visible image (canvas or preview). */
function placeBoxes() {
  const media = state.file ? ui.preview : ui.canvas;
  ui.boxes.style.setProperty('--left', `${media.offsetLeft}px`);
  ui.boxes.style.setProperty('--top', `${media.offsetTop}px`);
  ui.boxes.style.setProperty('--width', `${media.offsetWidth}px`);
  ui.boxes.style.setProperty('--height', `${media.offsetHeight}px`);
}

// ---- Modes and models ----------------------------------------------------------------------------

function setMode(mode) {
  state.mode = mode;
  ui.stage.dataset.mode = mode;
  const [width, height] = SIZES[mode];
  clearAll();
  pad.resize(width, height);
  ui.compare.disabled = mode === 'number';
  ui.compareCard.hidden = mode === 'number' || !ui.compare.checked;
  document.getElementById('pad-heading').textContent = mode === 'number' ? 'Write a number' : 'Draw a digit';
  ui.placeholder.textContent = mode === 'number'
    ? 'Write a few digits side by side; the number appears here.'
    : 'Draw a digit on the pad; the answer appears here.';
}

function disableNumberMode() {
  ui.modes.hidden = true;
  ui.modes.dataset.available = 'false';
  if (state.mode === 'number') {
    document.querySelector('input[name="mode"][value="digit"]').checked = true;
    setMode('digit');
  }
}

async function loadModels() {
  try {
    const catalog = await getModels();
    state.catalog = catalog;
    const options = catalog.models.map(({ card }) =>
      el('option', { value: card.name, textContent: `${displayName(card.name)} · ${card.testAccuracy} %` }));
    if (catalog.ensemble) {
      const { name, members, testAccuracy } = catalog.ensemble;
      options.push(el('option', {
        value: name,
        textContent: `${displayName(name)} (${members.map(displayName).join(', ')}) · ${testAccuracy} %`,
      }));
    }

    ui.model.replaceChildren(...options);
    ui.model.value = catalog.defaultModel;
    ui.model.dataset.loaded = 'true';
  } catch (error) {
    showProblem(error instanceof Problem ? error : new Problem({ title: 'Could not load the models' }));
  }
}

// ---- Events --------------------------------------------------------------------------------------

pad.addEventListener('change', (event) => {
  if (pad.isEmpty) {
    resetResults();
  } else if (event.detail.reason === 'stroke' || event.detail.reason === 'undo') {
    markStale();
    recogniseSoon();
  }
});

ui.undo.addEventListener('click', undo);
ui.clear.addEventListener('click', clearAll);
ui.recognise.addEventListener('click', () => recognise({ revealAnswer: true }));
ui.upload.addEventListener('click', () => ui.file.click());
ui.file.addEventListener('change', () => {
  useFile(ui.file.files[0]);
  ui.file.value = '';
});

function setPenWidth() {
  pad.penWidth = Number(ui.penWidth.value);
  ui.penWidthValue.textContent = `${ui.penWidth.value} px`;
  ui.penWidth.setAttribute('aria-valuetext', `${ui.penWidth.value} pixels`);
}

ui.penWidth.addEventListener('input', setPenWidth);

ui.model.addEventListener('change', () => hasImage() && recognise());
ui.compare.addEventListener('change', () => {
  ui.compareCard.hidden = !ui.compare.checked || state.mode === 'number';
  if (ui.compare.checked && hasImage()) {
    recognise();
  }
});
ui.live.addEventListener('change', recogniseSoon);
for (const radio of document.querySelectorAll('input[name="mode"]')) {
  radio.addEventListener('change', () => setMode(selectedMode()));
}

document.addEventListener('keydown', (event) => {
  const typing = event.target instanceof HTMLInputElement && event.target.type !== 'checkbox' && event.target.type !== 'radio';
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z' && !typing) {
    event.preventDefault();
    undo();
  }
});

document.addEventListener('paste', (event) => {
  const file = [...(event.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
  if (file) {
    event.preventDefault();
    useFile(file);
  }
});

// Dropping anywhere on the page works; the stage lights up while a file is dragged over the page.
let dragDepth = 0;
document.addEventListener('dragenter', (event) => {
  if (event.dataTransfer?.types.includes('Files')) {
    dragDepth++;
    ui.stage.classList.add('dragging');
  }
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) {
    ui.stage.classList.remove('dragging');
  }
});
document.addEventListener('dragover', (event) => event.preventDefault());
document.addEventListener('drop', (event) => {
  event.preventDefault();
  dragDepth = 0;
  ui.stage.classList.remove('dragging');
  useFile(event.dataTransfer?.files[0]);
});

ui.preview.addEventListener('load', placeBoxes);
new ResizeObserver(placeBoxes).observe(ui.stage);

ui.stage.dataset.source = 'pad';
setState('idle');
setPenWidth();
loadModels();
hasNumberEndpoint().then((available) => {
  if (available) {
    ui.modes.hidden = false;
    ui.modes.dataset.available = 'true';
  } else {
    disableNumberMode();
  }
});
