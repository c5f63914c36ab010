#!/usr/bin/env python3
"""A soup's runs trained side by side (train.SOUP_JOBS worker processes) end with the same weights, bit for bit, as
the same runs trained one after the other in this process. Run by CI: python3 models/train/test_soup_runs.py (a few
seconds; no data files)."""
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402


class SoupRunsTest(unittest.TestCase):
    def test_runs_side_by_side_end_with_the_weights_of_runs_in_turn(self):
        gen = torch.Generator().manual_seed(0)
        images = lambda n: torch.rand(n, 1, 28, 28, generator=gen) * 2 - 1
        labels = lambda n: torch.randint(10, (n,), generator=gen)
        data = {"train_x": images(640), "train_y": labels(640), "outliers": images(128), "val_x": images(128), "val_y": labels(128),
                "val_synthetic_x": images(128), "val_synthetic_y": labels(128), "val_outliers_fit_x": images(64)}
        # MNIST's digits come first in train_x: the teacher's answers cover them (distillation).
        data.update(mnist_x=data["train_x"][:320], mnist_y=data["train_y"][:320])
        teacher = train.Cnn().eval()
        # The workers must train with this process's settings: train.py's default --threads (whatever the machine's
        # default), and an --oe-weight of its own.
        torch.set_num_threads(2)
        oe_weight, train.OE_WEIGHT = train.OE_WEIGHT, 0.5
        plan = dict(name="cnn", recipe=train.RECIPES["cnn"], data=data, epochs=4, lr=1e-3, init=None, teacher=teacher, distill_weight=2.0,
                    distill_all=False)
        pools = []
        start_pool = train.side_by_side
        train.side_by_side = lambda jobs: pools.append(jobs) or start_pool(jobs)
        try:
            in_turn = [train.train_run(**plan, seed=seed) for seed in (7, 8, 9)]
            chosen, soup = train.soup_runs(**plan, seed=7, soup=3)
        finally:
            train.side_by_side, train.OE_WEIGHT = start_pool, oe_weight

        self.assertEqual(pools, [train.SOUP_JOBS], "the runs were not trained side by side")
        self.assertEqual(chosen, [c for c, _ in in_turn])
        expected = train.average([state for _, state in in_turn])
        self.assertEqual(soup.keys(), expected.keys())
        for name, weights in expected.items():
            self.assertTrue(torch.equal(soup[name], weights), name)


if __name__ == "__main__":
    unittest.main()
