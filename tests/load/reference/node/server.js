// Reference service for the load comparison: a digit endpoint as commonly built on Node.js.
// Express + multer (memory storage) + sharp + onnxruntime-node, one process per core (cluster).
//   PORT=5090 MODEL=models/cnn.onnx WORKERS=2 node server.js
// POST /predict with multipart field "image"; answers {"digit": n, "confidence": p}.
const cluster = require("node:cluster");
const os = require("node:os");

const port = Number(process.env.PORT || 5090);
const workers = Number(process.env.WORKERS || os.availableParallelism());

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers)) worker.kill();
    process.exit(0);
  });
} else {
  serve();
}

function serve() {
  const express = require("express");
  const multer = require("multer");
  const sharp = require("sharp");
  const ort = require("onnxruntime-node");

  // One core per process: libvips and ONNX Runtime threads would otherwise contend with the other workers.
  if (workers > 1) sharp.concurrency(1);
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 10 * 1024 * 1024 } });
  const sessionReady = ort.InferenceSession.create(process.env.MODEL || "models/cnn.onnx", {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });

  const app = express();
  app.get("/health/ready", async (_req, res) => {
    await sessionReady;
    res.send("ok");
  });
  app.post("/predict", upload.single("image"), async (req, res) => {
    if (!req.file) return res.status(400).json({ error: "no image" });
    try {
      // Dark ink on a light (or transparent) background, as drawn or photographed: flatten onto white,
      // shrink to 28x28 grey, invert to MNIST's light-on-dark and normalise as the model was trained.
      const pixels = await sharp(req.file.buffer)
        .flatten({ background: "#ffffff" })
        .grayscale()
        .resize(28, 28, { fit: "contain", background: "#ffffff" })
        .negate()
        .raw()
        .toBuffer();
      const input = new Float32Array(784);
      for (let i = 0; i < 784; i++) input[i] = (pixels[i] / 255 - 0.5) / 0.5;
      const session = await sessionReady;
      const output = await session.run({ input: new ort.Tensor("float32", input, [1, 1, 28, 28]) });
      const logits = output.logits.data;
      const max = Math.max(...logits);
      const exps = Array.from(logits, (v) => Math.exp(v - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      const digit = exps.indexOf(Math.max(...exps));
      res.json({ digit, confidence: exps[digit] / sum });
    } catch (err) {
      res.status(415).json({ error: String(err.message || err) });
    }
  });
  app.listen(port, "127.0.0.1");
}
