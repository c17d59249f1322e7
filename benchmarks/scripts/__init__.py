"""Whole scripts in the idiom of public beginner material, one per file. Each imports
``torch`` at the top and defines ``main(scale=1.0)`` returning a number to compare; the
runner (``benchmarks/real_scripts.py``) runs every script unchanged under PyTorch and with
the import swapped to tinygrad_lite."""
