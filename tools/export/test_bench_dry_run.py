# The PyTorch baseline (tools/gpu/pytorch_bench.py) dry-runs on the CPU and prints the JSON the GPU run prints.
from __future__ import annotations

import json
import subprocess
import sys
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / 'tools' / 'gpu' / 'pytorch_bench.py'


class PytorchBenchDryRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        args = ['--device', 'cpu', '--config', 'tiny', '--batches', '2,6', '--warmup', '1', '--iters', '2']
        cls.run_result = subprocess.run(
            [sys.executable, str(BENCH), *args], cwd=REPO, capture_output=True, text=True, timeout=300
        )

    def test_it_prints_exactly_one_json_object(self):
        self.assertEqual(self.run_result.returncode, 0, self.run_result.stderr)
        lines = self.run_result.stdout.strip().splitlines()
        self.assertEqual(len(lines), 1, self.run_result.stdout)
        self.assertIsInstance(json.loads(lines[0]), dict)

    def test_every_batch_has_throughput_latency_and_memory_and_the_best_is_among_them(self):
        result = json.loads(self.run_result.stdout)
        self.assertEqual(sorted(result['vision']), ['2', '6'])
        for entry in result['vision'].values():
            self.assertGreater(entry['imagesPerSecond'], 0)
            self.assertGreater(entry['msPerBatch'], 0)
            self.assertIn('peakMemoryMiB', entry)  # null on the CPU, MiB on CUDA
        best = result['best']
        self.assertEqual(best['imagesPerSecond'], max(e['imagesPerSecond'] for e in result['vision'].values()))
        self.assertEqual(result['vision'][str(best['batch'])]['imagesPerSecond'], best['imagesPerSecond'])

    def test_text_latency_percentiles_are_ordered(self):
        text = json.loads(self.run_result.stdout)['text']
        self.assertEqual(text['batch'], 1)
        self.assertLessEqual(text['p50Ms'], text['p95Ms'])

    def test_it_names_the_device_torch_and_model_cost(self):
        result = json.loads(self.run_result.stdout)
        self.assertTrue(result['device'].startswith('cpu'))
        self.assertEqual((result['config'], result['dtype']), ('tiny', 'float32'))
        self.assertGreater(result['gflopPerImage'], 0)


if __name__ == '__main__':
    unittest.main()
