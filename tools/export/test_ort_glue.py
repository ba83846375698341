# The exporter's onnxruntime (python) paths -- fusion, ORT's float16 converter, verification -- driven through a
# stand-in `onnxruntime` package, since this machine has none: its InferenceSession runs the graph for real with
# onnxruntime-node, its optimizer fuses nothing and records how it was called.
from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

from tools.export import cli
from tools.export.test_export import NODE_OK, REPO

STUB_INIT = '''
import json, subprocess, tempfile
from pathlib import Path
import numpy as np

__version__ = '0.0-stub'
behaviour = {'session_fails': False}
RUNNER = """
const ort = require('onnxruntime-node');
const fs = require('fs');
const [model, name, type, shape, input, output] = process.argv.slice(1);
const Types = { float32: Float32Array, float16: Uint16Array, int64: BigInt64Array };
(async () => {
  const session = await ort.InferenceSession.create(model);
  const data = new Types[type](new Uint8Array(fs.readFileSync(input)).buffer);
  const result = (await session.run({ [name]: new ort.Tensor(type, data, JSON.parse(shape)) }))[session.outputNames[0]];
  fs.writeFileSync(output, Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength));
  fs.writeFileSync(output + '.json', JSON.stringify({ type: result.type, dims: result.dims }));
})();
"""


class InferenceSession:
    def __init__(self, path, providers=None):
        if behaviour['session_fails']:
            raise RuntimeError('NOT_IMPLEMENTED: stub has no kernel')
        self.path = path

    def run(self, output_names, feed):
        (name, value), = feed.items()
        kind = {np.dtype(np.float32): 'float32', np.dtype(np.float16): 'float16', np.dtype(np.int64): 'int64'}[value.dtype]
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = Path(tmp) / 'in.bin', Path(tmp) / 'out.bin'
            src.write_bytes(np.ascontiguousarray(value).tobytes())
            subprocess.run(['node', '-e', RUNNER, self.path, name, kind, json.dumps(list(value.shape)), str(src), str(dst)],
                           cwd=REPO, check=True, capture_output=True)
            meta = json.loads(Path(str(dst) + '.json').read_text())
            out = np.frombuffer(dst.read_bytes(), dtype={'float32': np.float32, 'float16': np.float16}[meta['type']])
            return [out.reshape(meta['dims'])]
'''

STUB_OPTIMIZER = '''
import onnx
from tools.export.fp16 import convert_to_float16

calls = []
behaviour = {'converter_fails': False, 'corrupt': False, 'optimizer_fails': False}


class StubModel:
    def __init__(self, model):
        self.model = model

    def get_fused_operator_statistics(self):
        return {'Attention': 0, 'Gelu': 0}

    def get_nodes_by_op_type(self, op):
        return [n for n in self.model.graph.node if n.op_type == op]

    def convert_float_to_float16(self, **kwargs):
        calls.append(('convert', kwargs))
        if behaviour['converter_fails']:
            raise RuntimeError('stub converter failure')
        convert_to_float16(self.model)


def optimize_model(path, **kwargs):
    calls.append(('optimize', kwargs))
    if behaviour['optimizer_fails']:
        raise ValueError('stub optimizer failure')
    model = onnx.load(path)
    if behaviour['corrupt']:
        # A "fusion" that computes something else: the image projection loses its sign.
        for t in model.graph.initializer:
            if t.name == 'proj':
                t.CopyFrom(onnx.numpy_helper.from_array(-onnx.numpy_helper.to_array(t), 'proj'))
    return StubModel(model)
'''


@unittest.skipUnless(NODE_OK, 'node with onnxruntime-node is not available')
class WithOnnxruntime(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp(prefix='glimpse-ortstub-'))
        pkg = cls.tmp / 'stub' / 'onnxruntime'
        (pkg / 'transformers').mkdir(parents=True)
        (pkg / '__init__.py').write_text(STUB_INIT.replace('cwd=REPO', f'cwd={str(REPO)!r}'))
        (pkg / 'transformers' / '__init__.py').write_text('')
        (pkg / 'transformers' / 'optimizer.py').write_text(textwrap.dedent(STUB_OPTIMIZER))
        (pkg / 'transformers' / 'float16.py').write_text("DEFAULT_OP_BLOCK_LIST = ['Range']\n")
        sys.path.insert(0, str(cls.tmp / 'stub'))

    @classmethod
    def tearDownClass(cls) -> None:
        sys.path.remove(str(cls.tmp / 'stub'))
        for name in [m for m in sys.modules if m == 'onnxruntime' or m.startswith('onnxruntime.')]:
            del sys.modules[name]
        shutil.rmtree(cls.tmp)

    def setUp(self) -> None:
        import onnxruntime
        from onnxruntime.transformers import optimizer

        self.stub, self.runtime = optimizer, onnxruntime
        optimizer.calls.clear()
        optimizer.behaviour.update(converter_fails=False, corrupt=False, optimizer_fails=False)
        onnxruntime.behaviour['session_fails'] = False

    def export(self, *extra: str) -> tuple[int, str, dict]:
        out = self.tmp / f'bundle{len(list(self.tmp.iterdir()))}'
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = cli.main(['--random-weights', '--config', 'tiny', '--out', str(out), *extra])
        log = buf.getvalue()
        return code, log, json.loads(log.strip().splitlines()[-1])

    def test_the_float16_export_fuses_as_clip_converts_with_ort_and_verifies_each_tower(self):
        code, log, summary = self.export()
        self.assertEqual(code, 0, log)
        optimize = [kw for what, kw in self.stub.calls if what == 'optimize']
        self.assertEqual(
            [(kw['model_type'], kw['num_heads'], kw['hidden_size'], kw['opt_level']) for kw in optimize],
            [('clip', 4, 64, 0), ('clip', 4, 64, 0)],
        )
        self.assertEqual([kw for what, kw in self.stub.calls if what == 'convert'], [{'keep_io_types': False}] * 2)
        self.assertEqual(summary['towers']['visual']['converter'], 'onnxruntime.transformers.float16')
        self.assertEqual(summary['towers']['visual']['fused']['Attention'], 0)
        self.assertIn('note: 0 of 2 attention layers fused', log)
        for tower in ('visual', 'textual'):
            cos = summary['towers'][tower]['cosine']['float16 bundle graph']
            self.assertEqual(len(cos), 3)
            self.assertGreaterEqual(min(cos), 0.999)

    def test_ops_named_in_fp32_ops_join_the_converters_block_list(self):
        code, log, _ = self.export('--fp32-ops', 'LayerNormalization,Softmax')
        self.assertEqual(code, 0, log)
        convert = [kw for what, kw in self.stub.calls if what == 'convert'][0]
        self.assertEqual(convert['op_block_list'], ['Range', 'LayerNormalization', 'Softmax'])

    def test_a_failing_ort_converter_falls_back_to_the_built_in_one(self):
        self.stub.behaviour['converter_fails'] = True
        code, log, summary = self.export()
        self.assertEqual(code, 0, log)
        self.assertIn('stub converter failure', log)
        self.assertEqual(summary['towers']['textual']['converter'], 'built-in')

    def test_the_fused_float32_graph_is_checked_on_request(self):
        code, log, summary = self.export('--check-fused32')
        self.assertEqual(code, 0, log)
        self.assertGreaterEqual(min(summary['towers']['visual']['cosine']['fused float32']), 0.99999)

    def test_a_crashing_fusion_leaves_the_graph_unfused_and_the_export_going(self):
        self.stub.behaviour['optimizer_fails'] = True
        code, log, summary = self.export('--dtype', 'float32')
        self.assertEqual(code, 0, log)
        self.assertIn('fusion failed (ValueError: stub optimizer failure); continuing unfused', log)
        self.assertGreaterEqual(min(summary['towers']['visual']['cosine']['float32 bundle graph']), 0.99999)

    def test_a_graph_onnxruntime_cannot_run_on_the_cpu_is_reported_not_failed(self):
        self.runtime.behaviour['session_fails'] = True
        code, log, summary = self.export()
        self.assertEqual(code, 0, log)
        self.assertIn('could not run on onnxruntime (python, cpu): RuntimeError: NOT_IMPLEMENTED', log)
        self.assertIn('float16 bundle graph', summary['towers']['visual']['notRun'])

    def test_a_graph_that_computes_something_else_fails_the_export(self):
        self.stub.behaviour['corrupt'] = True
        code, log, summary = self.export('--dtype', 'float32')
        self.assertEqual(code, 1, log)
        self.assertIn('visual: float32 bundle graph vs torch float32', log)
        self.assertIn('FAILED', log)
        self.assertFalse(summary['ok'])


if __name__ == '__main__':
    unittest.main()
