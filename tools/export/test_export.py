# End to end: a tiny random CLIP exported to a bundle, then run by onnxruntime-node the way Glimpse runs it.
# Run from the repository root: /usr/bin/python3 -m unittest discover tools/export
from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx

from tools.export import cli
from tools.export.verify import read_verify_tensor

REPO = Path(__file__).resolve().parents[2]
CHECK_SCRIPT = REPO / 'tools' / 'export' / 'check_bundle.mjs'
EXPECTED_TINY_FP32_MODEL_JSON = {
    'format': 'glimpse-clip-bundle',
    'formatVersion': 1,
    'id': 'tiny-random-fp32',
    'name': 'tiny CLIP architecture, random weights (float32)',
    'embedDim': 32,
    'image': {
        'size': 32,
        'mean': [0.48145466, 0.4578275, 0.40821073],
        'std': [0.26862954, 0.26130258, 0.27577711],
        'resize': 'shortest-crop',
        'interpolation': 'bicubic',
    },
    'text': {'contextLength': 77, 'tokenizer': 'tokenizer.json'},
    'visual': {'file': 'visual.onnx', 'input': 'pixel_values', 'output': 'image_embeds', 'dtype': 'float32', 'dynamicBatch': True},
    'textual': {
        'file': 'textual.onnx',
        'input': 'input_ids',
        'idsDtype': 'int64',
        'output': 'text_embeds',
        'dtype': 'float32',
        'dynamicBatch': True,
    },
}


def node_runs_onnxruntime() -> bool:
    try:
        r = subprocess.run(['node', '-e', "require('onnxruntime-node')"], cwd=REPO, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


NODE_OK = node_runs_onnxruntime()


def export(out: Path, *extra: str) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli.main(['--random-weights', '--config', 'tiny', '--out', str(out), *extra])
    return code, buf.getvalue()


def check_bundle(out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ['node', str(CHECK_SCRIPT), str(out), *extra], cwd=REPO, capture_output=True, text=True, timeout=300
    )


class TinyFloat32Export(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp(prefix='glimpse-export-'))
        cls.tokenizer = cls.tmp / 'some-tokenizer.json'
        cls.tokenizer.write_text('{"model": "stand-in"}')
        cls.out = cls.tmp / 'bundle'
        cls.code, cls.log = export(cls.out, '--dtype', 'float32', '--tokenizer', str(cls.tokenizer))

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.tmp)

    def test_the_export_succeeds_and_reports_a_json_summary(self):
        self.assertEqual(self.code, 0, self.log)
        summary = json.loads(self.log.strip().splitlines()[-1])
        self.assertEqual(summary['id'], 'tiny-random-fp32')
        self.assertEqual(summary['towers']['visual']['exporter'], 'torchscript')

    def test_model_json_is_exactly_what_glimpse_validates(self):
        doc = json.loads((self.out / 'model.json').read_text())
        self.assertEqual(doc, EXPECTED_TINY_FP32_MODEL_JSON)
        self.assertEqual(list(doc), list(EXPECTED_TINY_FP32_MODEL_JSON))

    def test_the_tokenizer_is_copied_into_the_bundle(self):
        self.assertEqual((self.out / 'tokenizer.json').read_text(), self.tokenizer.read_text())

    def test_both_graphs_take_a_dynamic_batch_and_the_declared_names_and_types(self):
        for file, name, elem, out_name in (
            ('visual.onnx', 'pixel_values', onnx.TensorProto.FLOAT, 'image_embeds'),
            ('textual.onnx', 'input_ids', onnx.TensorProto.INT64, 'text_embeds'),
        ):
            g = onnx.load(str(self.out / file)).graph
            self.assertEqual([i.name for i in g.input], [name])
            self.assertEqual(g.input[0].type.tensor_type.elem_type, elem)
            self.assertEqual(g.input[0].type.tensor_type.shape.dim[0].dim_param, 'batch')
            self.assertEqual([o.name for o in g.output], [out_name])
            self.assertEqual(g.output[0].type.tensor_type.shape.dim[0].dim_param, 'batch')

    def test_linear_weights_feed_matmul_directly_so_the_exporter_never_transposes_them(self):
        g = onnx.load(str(self.out / 'visual.onnx')).graph
        inits = {t.name for t in g.initializer}
        transposed = [n.input[0] for n in g.node if n.op_type == 'Transpose' and n.input[0] in inits]
        matmul_weights = [n.input[1] for n in g.node if n.op_type == 'MatMul' and n.input[1] in inits]
        self.assertEqual(transposed, [])
        self.assertIn('blocks.0.attn.q_proj.weight', matmul_weights)
        self.assertEqual(len(matmul_weights), 2 * 6 + 1)  # 6 per block (q, k, v, out, fc1, fc2) + projection

    def test_verify_files_hold_the_inputs_and_the_torch_outputs(self):
        folder = self.out / 'verify'
        index = json.loads((folder / 'index.json').read_text())
        self.assertEqual(index['format'], 'glimpse-clip-verify')
        self.assertEqual(index['minCosine'], 0.99999)
        pixels = read_verify_tensor(folder, index['visual']['input'])
        self.assertEqual(pixels.shape, (3, 3, 32, 32))
        ids = read_verify_tensor(folder, index['textual']['input'])
        self.assertEqual(ids[:, 0].tolist(), [49406] * 3)
        eot = np.argmax(ids, axis=1)
        self.assertEqual(ids[np.arange(3), eot].tolist(), [49407] * 3)
        self.assertEqual(len(set(eot.tolist())), 3, 'captions of different lengths pool at different positions')
        self.assertEqual(read_verify_tensor(folder, index['textual']['expected']).shape, (3, 32))

    @unittest.skipUnless(NODE_OK, 'node with onnxruntime-node is not available')
    def test_onnxruntime_node_matches_torch_at_batch_1_and_5(self):
        r = check_bundle(self.out, '--batches', '1,5')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        summary = json.loads(r.stdout.strip().splitlines()[-1])
        for tower in ('visual', 'textual'):
            self.assertEqual(len(summary['towers'][tower]['5']['cosines']), 5)
            self.assertGreaterEqual(min(summary['towers'][tower]['1']['cosines']), 0.99999)

    @unittest.skipUnless(NODE_OK, 'node with onnxruntime-node is not available')
    def test_the_node_check_fails_when_the_graph_does_not_match_the_reference(self):
        broken = self.tmp / 'broken'
        shutil.copytree(self.out, broken)
        expected = broken / 'verify' / 'visual_expected.f32'
        values = np.frombuffer(expected.read_bytes(), dtype='<f4').reshape(3, -1)
        expected.write_bytes(values[[1, 2, 0]].astype('<f4').tobytes())  # each row now belongs to another image
        r = check_bundle(broken)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn('FAILED', r.stdout)


@unittest.skipUnless(NODE_OK, 'node with onnxruntime-node is not available')
class NodeFloat16Conversion(unittest.TestCase):
    def test_the_node_check_rounds_float32_to_float16_exactly_as_numpy_does(self):
        rng = np.random.default_rng(0)
        values = np.concatenate([
            rng.standard_normal(2000).astype(np.float32) * 10.0 ** rng.integers(-9, 6, 2000),
            np.array([0.0, -0.0, 65504.0, 65520.0, 1e6, -1e6, 6e-8, 3e-8, 2.9e-8, np.inf, -np.inf], np.float32),
        ]).astype(np.float32)  # fmt: skip
        script = (
            f"import('{CHECK_SCRIPT.as_uri()}').then(m => {{"
            "const raw = new Uint8Array(require('fs').readFileSync(0)).buffer;"
            "const h = m.toFloat16Bits(new Float32Array(raw)); const back = m.fromFloat16Bits(h);"
            "const hex = (a) => Buffer.from(a.buffer).toString('hex');"
            "console.log(JSON.stringify({ bits: hex(h), back: hex(back) })); })"
        )
        r = subprocess.run(['node', '-e', script], input=values.astype('<f4').tobytes(), cwd=REPO,
                           capture_output=True, timeout=60)  # fmt: skip
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        got = json.loads(r.stdout)
        half = values.astype(np.float16)
        self.assertEqual(bytes.fromhex(got['bits']), half.astype('<f2').tobytes())
        self.assertEqual(bytes.fromhex(got['back']), half.astype('<f4').tobytes())


class TinyFloat16Export(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp(prefix='glimpse-export16-'))
        cls.out = cls.tmp / 'bundle'
        cls.code, cls.log = export(cls.out)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.tmp)

    def test_float16_is_the_default_and_named_in_model_json(self):
        self.assertEqual(self.code, 0, self.log)
        doc = json.loads((self.out / 'model.json').read_text())
        self.assertEqual(doc['id'], 'tiny-random-fp16')
        self.assertEqual((doc['visual']['dtype'], doc['textual']['dtype']), ('float16', 'float16'))

    def test_the_image_graph_takes_float16_without_a_cast_and_holds_no_float32_weights(self):
        g = onnx.load(str(self.out / 'visual.onnx')).graph
        self.assertEqual(g.input[0].type.tensor_type.elem_type, onnx.TensorProto.FLOAT16)
        self.assertEqual(g.output[0].type.tensor_type.elem_type, onnx.TensorProto.FLOAT16)
        consumers = [n.op_type for n in g.node if 'pixel_values' in n.input]
        self.assertNotIn('Cast', consumers)
        self.assertEqual([t.name for t in g.initializer if t.data_type == onnx.TensorProto.FLOAT], [])

    def test_without_a_tokenizer_the_export_warns(self):
        self.assertIn('WARNING: no tokenizer.json', self.log)
        self.assertFalse((self.out / 'tokenizer.json').exists())

    @unittest.skipUnless(NODE_OK, 'node with onnxruntime-node is not available')
    def test_onnxruntime_node_matches_torch_within_the_float16_threshold(self):
        r = check_bundle(self.out, '--batches', '1,5')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('"minCosine":0.999', r.stdout)


if __name__ == '__main__':
    unittest.main()
