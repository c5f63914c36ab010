"""Reference service for the load comparison: a digit endpoint as commonly built in Python.

FastAPI + uvicorn (one worker process per core) + Pillow + PyTorch, with the CNN's weights read from
the committed ONNX file so that it answers like DigitApi's cnn model.
    MODEL=models/cnn.onnx uvicorn app:app --workers 2 --port 5091
POST /predict with multipart field "image"; answers {"digit": n, "confidence": p}.
"""
import io
import os
import sys

import onnx
import torch
from fastapi import FastAPI, File, HTTPException, UploadFile
from onnx import numpy_helper
from PIL import Image, ImageOps

# The CNN exactly as it was trained: models/train/train.py's class.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "models", "train"))
from train import Cnn  # noqa: E402

# One thread per worker process: the workers already use every core.
torch.set_num_threads(1)


def load_model(path):
    model = Cnn()
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in onnx.load(path).graph.initializer}
    model.load_state_dict(weights)
    return model.eval()


model = load_model(os.environ.get("MODEL", "models/cnn.onnx"))
app = FastAPI()


@app.get("/health/ready")
def ready():
    return "ok"


@app.post("/predict")
def predict(image: UploadFile = File(...)):
    try:
        picture = Image.open(io.BytesIO(image.file.read()))
        picture.load()
    except Exception as error:
        raise HTTPException(status_code=415, detail=str(error))
    # Dark ink on a light (or transparent) background: flatten onto white, grey, 28x28, invert to MNIST's
    # light-on-dark and normalise as the model was trained.
    if picture.mode in ("RGBA", "LA", "P"):
        picture = picture.convert("RGBA")
        white = Image.new("RGBA", picture.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(white, picture)
    grey = ImageOps.invert(picture.convert("L").resize((28, 28), Image.BILINEAR))
    x = torch.frombuffer(bytearray(grey.tobytes()), dtype=torch.uint8).float().div(255).sub(0.5).div(0.5)
    with torch.no_grad():
        probabilities = torch.softmax(model(x.view(1, 1, 28, 28)), dim=1)[0]
    digit = int(probabilities.argmax())
    return {"digit": digit, "confidence": float(probabilities[digit])}
