#!/usr/bin/env python3
"""fp16 copies of the full-size SD stand-ins, and the fp32 UNet reference for webgpu-node.ts.

The published fp16 Stable Diffusion exports are made from fp32 ONNX with ONNX Runtime's own
converter (onnxruntime.transformers.float16, shipped in the onnxruntime wheel); this does the same
to the stand-ins (tests/models/full-size/generate-sd.ts), with float16 inputs and outputs as those
exports have. Run where Python has onnx and onnxruntime (the GPU machine does; this one does not):

  python3 tests/bench/fp16_convert.py DIR            # DIR/stand-ins/sd15-inpainting-fp16/...
  python3 tests/bench/fp16_convert.py DIR --compare  # fp32 UNet on ORT CPU vs the dumped fp16 run
"""
import os
import sys
import time

import numpy as np
import onnx

SRC = 'stand-ins/sd15-inpainting-fp32'
DST = 'stand-ins/sd15-inpainting-fp16'
COMPONENTS = ['text_encoder', 'vae_encoder', 'vae_decoder', 'unet']


def convert(root):
    from onnxruntime.transformers.float16 import convert_float_to_float16

    for name in COMPONENTS:
        t = time.time()
        model = onnx.load(os.path.join(root, SRC, name, 'model.onnx'), load_external_data=True)
        half = convert_float_to_float16(model, keep_io_types=False, disable_shape_infer=True)
        out = os.path.join(root, DST, name, 'model.onnx')
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if name == 'unet':
            onnx.save(half, out, save_as_external_data=True, all_tensors_to_one_file=True, location='model.onnx_data', size_threshold=1024)
        else:
            onnx.save(half, out)
        print(f'{name}: fp16 written in {time.time() - t:.1f} s', flush=True)


def compare(root, latent=64):
    import onnxruntime as ort

    dump = os.path.join(root, 'unet-check')
    sample = np.fromfile(os.path.join(dump, 'sample.f32'), dtype=np.float32).reshape(2, 9, latent, latent)
    context = np.fromfile(os.path.join(dump, 'encoder_hidden_states.f32'), dtype=np.float32).reshape(2, 77, 768)
    fp16 = np.fromfile(os.path.join(dump, 'out_sample.fp16.f32'), dtype=np.float32).reshape(2, 4, latent, latent)
    session = ort.InferenceSession(os.path.join(root, SRC, 'unet', 'model.onnx'), providers=['CPUExecutionProvider'])
    t = time.time()
    (ref,) = session.run(['out_sample'], {'sample': sample, 'timestep': np.array([901], dtype=np.int64), 'encoder_hidden_states': context})
    diff = np.abs(fp16 - ref)
    print(f'unet fp32 on ORT CPU {time.time() - t:.1f} s; WebGPU fp16 vs CPU fp32: max |d| {diff.max():.4g}, '
          f'{100 * diff.max() / np.abs(ref).max():.3f} % of max |ref|, mean |d| {diff.mean():.4g}, finite fp16 {np.isfinite(fp16).all()}', flush=True)


if __name__ == '__main__':
    root = sys.argv[1]
    compare(root) if '--compare' in sys.argv else convert(root)
