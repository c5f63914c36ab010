// A canvas to draw on with a mouse, pen or finger. Strokes are kept as point lists, so undo and
// resizing redraw them exactly; the canvas itself is what gets sent: dark ink on a white background.

const INK = '#111';
const PAPER = '#fff';

export class DrawingPad extends EventTarget {
  #canvas;
  #context;
  #strokes = [];
  #current = null;

  /** Pen width in canvas pixels; applies to the next stroke. */
  penWidth = 20;

  constructor(canvas) {
    super();
    this.#canvas = canvas;
    this.#context = canvas.getContext('2d');
    canvas.addEventListener('pointerdown', (e) => this.#start(e));
    canvas.addEventListener('pointermove', (e) => this.#extend(e));
    canvas.addEventListener('pointerup', (e) => this.#finish(e));
    canvas.addEventListener('pointercancel', (e) => this.#finish(e));
    canvas.addEventListener('lostpointercapture', (e) => this.#finish(e));
    this.#render();
  }

  get canvas() {
    return this.#canvas;
  }

  get isEmpty() {
    return this.#strokes.length === 0;
  }

  get strokeCount() {
    return this.#strokes.length;
  }

  undo() {
    if (this.#strokes.pop()) {
      this.#render();
      this.#changed('undo');
    }
  }

  clear() {
    const hadInk = !this.isEmpty;
    this.#strokes = [];
    this.#current = null;
    this.#render();
    if (hadInk) {
      this.#changed('clear');
    }
  }

  /** Changes the canvas size (in canvas pixels); the drawing is cleared. */
  resize(width, height) {
    this.#canvas.width = width;
    this.#canvas.height = height;
    this.clear();
    this.#render();
  }

  /** The drawing as a PNG file: dark ink on white. */
  toFile(name = 'drawing.png') {
    return new Promise((resolve, reject) => {
      this.#canvas.toBlob((blob) => {
        if (blob) {
          resolve(new File([blob], name, { type: 'image/png' }));
        } else {
          reject(new Error('The drawing could not be encoded as PNG.'));
        }
      }, 'image/png');
    });
  }

  #start(event) {
    if (event.pointerType === 'mouse' && event.button !== 0) {
      return;
    }

    event.preventDefault();
    this.#canvas.setPointerCapture(event.pointerId);
    const point = this.#point(event);
    this.#current = { pointerId: event.pointerId, width: this.penWidth, points: [point] };
    this.#strokes.push(this.#current);
    this.#drawDot(point, this.penWidth);
  }

  #extend(event) {
    const stroke = this.#current;
    if (!stroke || event.pointerId !== stroke.pointerId) {
      return;
    }

    event.preventDefault();
    // Coalesced events keep fast pen and finger strokes smooth.
    const events = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    for (const e of events.length > 0 ? events : [event]) {
      const point = this.#point(e);
      const last = stroke.points[stroke.points.length - 1];
      if (point.x !== last.x || point.y !== last.y) {
        stroke.points.push(point);
        this.#drawSegment(last, point, stroke.width);
      }
    }
  }

  #finish(event) {
    const stroke = this.#current;
    if (!stroke || event.pointerId !== stroke.pointerId) {
      return;
    }

    this.#current = null;
    if (this.#canvas.hasPointerCapture(event.pointerId)) {
      this.#canvas.releasePointerCapture(event.pointerId);
    }

    this.#changed('stroke');
  }

  #point(event) {
    const rect = this.#canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * this.#canvas.width) / rect.width,
      y: ((event.clientY - rect.top) * this.#canvas.height) / rect.height,
    };
  }

  #render() {
    const c = this.#context;
    c.fillStyle = PAPER;
    c.fillRect(0, 0, this.#canvas.width, this.#canvas.height);
    for (const stroke of this.#strokes) {
      const [first, ...rest] = stroke.points;
      this.#drawDot(first, stroke.width);
      let previous = first;
      for (const point of rest) {
        this.#drawSegment(previous, point, stroke.width);
        previous = point;
      }
    }
  }

  #drawDot(point, width) {
    const c = this.#context;
    c.fillStyle = INK;
    c.beginPath();
    c.arc(point.x, point.y, width / 2, 0, Math.PI * 2);
    c.fill();
  }

  #drawSegment(from, to, width) {
    const c = this.#context;
    c.strokeStyle = INK;
    c.lineWidth = width;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(from.x, from.y);
    c.lineTo(to.x, to.y);
    c.stroke();
  }

  #changed(reason) {
    this.dispatchEvent(new CustomEvent('change', { detail: { reason } }));
  }
}
