"""The ``tinygrad-lite`` command line: ``demo``, ``train``, ``predict``, ``graph``.

Each command is a small function that turns parsed arguments into printed numbers and
written files. Bad input never shows a traceback: usage errors print one line and exit
with 2, bad files or data print one line and exit with 1. Drawing and plotting are
optional: without Graphviz's ``dot`` or matplotlib a one-line note replaces the picture.
"""

from __future__ import annotations

import argparse
import ast
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

PROG = "tinygrad-lite"

# The 30 rows of data/pizza.txt (reservations, pizzas), kept here so that ``demo`` runs
# from any directory and from an installed (non-editable) package too.
PIZZA_ROWS = (
    (13, 33), (2, 16), (14, 32), (23, 51), (13, 27), (1, 16), (18, 34), (10, 17), (26, 29),
    (3, 15), (3, 15), (21, 32), (7, 22), (22, 37), (2, 13), (27, 44), (6, 16), (10, 21),
    (18, 37), (15, 30), (9, 26), (26, 34), (8, 23), (15, 39), (10, 27), (21, 37), (5, 17),
    (6, 18), (13, 25), (13, 23),
)  # fmt: skip


class CliError(Exception):
    """A problem with the user's files or data: printed as one line, exit code 1."""


class UsageError(Exception):
    """A problem with the command line itself: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (no usage dump) and exits with 2.

    A word that starts with one dash (``-1``, ``-inf``, ``-2.5e3``, ``-x*y``) is a value, not an
    option: none of our commands has a one-dash option besides ``-h``, so ``predict`` and
    ``graph`` take negative numbers without ``--``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-[^-]")

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (try --help)\n")


# ---------------------------------------------------------------------------------------
# small helpers: output files, notes
# ---------------------------------------------------------------------------------------


def _say(args: argparse.Namespace, text: str) -> None:
    if not getattr(args, "quiet", False):
        print(text)


def _out_dir(path: str, flag: str, shown: str | None = None) -> Path:
    """The directory ``path``, created if needed and checked writable (by writing a probe
    file), so a bad output place is refused in one line before any work; CliError names
    ``flag``."""
    out = Path(path)
    shown = shown or path
    if out.exists() and not out.is_dir():
        raise CliError(f"{flag} {shown}: {path} is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out, prefix=".write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise CliError(f"{flag} {shown}: cannot write there ({e.strerror or e})") from None
    return out


def _out_file(path: str, flag: str) -> Path:
    """``path`` as a file we can write (its directory is created and checked), refused in one
    line before any work: a directory, or a place we cannot write, names ``flag``."""
    target = Path(path)
    if target.is_dir():
        raise CliError(f"{flag} {path}: is a directory, not a file")
    if target.exists() and not target.is_file():
        raise CliError(f"{flag} {path}: not a regular file")
    if target.exists() and not os.access(target, os.W_OK):
        raise CliError(f"{flag} {path}: the file is not writable")
    _out_dir(str(target.parent), flag, shown=path)
    return target


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_graph(dot: Any, path: Path) -> str:
    """Write a ``graphviz.Digraph`` at ``path`` as SVG or PNG, by its suffix (its DOT source
    goes next to it). Returns a one-line message: the file written, or what to install.
    """
    from .viz import GraphvizMissingError, RenderError, render

    fmt = path.suffix.lstrip(".").lower() or "svg"
    try:
        return f"wrote {render(dot, str(path), format=fmt, missing='raise')}"
    except (GraphvizMissingError, RenderError) as e:
        return f"({e})"


def plot_losses(losses: Sequence[float], path: Path, title: str, xlabel: str) -> str:
    """Plot a loss curve (log scale) to ``path``; return a one-line note of what happened."""
    try:
        import matplotlib  # noqa: F401

        from .viz import plots
    except ImportError:
        return f"(no {path.name}: pip install 'tinygrad_lite[plot]' for the loss curve)"
    plots.loss_curve(losses, xlabel=xlabel, title=title, log_scale=min(losses) > 0, path=path)
    return f"wrote {path}"


def _drawn_backward(
    build: Callable[[], Any], params: dict[str, Any], title: str
) -> tuple[Any, Any]:
    """Run ``build()`` (recording its constants) and backward through its result; return
    (the result, its graph with values and gradients as a graphviz.Digraph, or None when the
    ``graphviz`` Python package, of the ``viz`` extra, is missing)."""
    from . import viz

    with viz.record():
        result = build()
    if result.requires_grad:
        viz.backward(result)
    try:
        return result, viz.draw(result, params=params, title=title)
    except ImportError:
        return result, None


# ---------------------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------------------


def pizza_data() -> tuple[np.ndarray, np.ndarray]:
    """Reservations and pizzas of the pizza data set, as float64 arrays of shape (30,)."""
    rows = np.array(PIZZA_ROWS, dtype=np.float64)
    return rows[:, 0], rows[:, 1]


def train_pizza(iterations: int = 20_000, lr: float = 0.001) -> tuple[Any, list[float]]:
    """Gradient descent on the pizza data from w = b = 0 (float64), as in "Walking the Gradient".

    Returns the trained ``nn.LinearRegression``-like pair (w, b) as a dict of tensors and
    the loss before each update.
    """
    import tinygrad_lite as tl

    xs, ys = pizza_data()
    x, y = tl.tensor(xs), tl.tensor(ys)
    w = tl.tensor(0.0, dtype=tl.float64, requires_grad=True)
    b = tl.tensor(0.0, dtype=tl.float64, requires_grad=True)
    losses = []
    for _ in range(iterations + 1):  # the book's loop runs over 0..iterations, inclusive
        loss = ((x * w + b - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with tl.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad = None
        b.grad = None
    return {"w": w, "b": b}, losses


NO_GRAPH_HINT = "no graph picture: pip install 'tinygrad_lite[viz]' to draw it"
NO_PICTURES_HINT = (
    "no pictures: pip install 'tinygrad_lite[viz,plot]' to draw the graph and the loss curve"
)


def _have(module: str) -> bool:
    """Whether ``module`` (an optional extra) can be imported."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def cmd_demo(args: argparse.Namespace) -> int:
    import tinygrad_lite as tl

    out = _out_dir(args.out, "--out")
    params, losses = train_pizza()
    w, b = params["w"], params["b"]
    xs, ys = pizza_data()
    x, y = tl.tensor(xs), tl.tensor(ys)
    loss, dot = _drawn_backward(
        lambda: ((x * w + b - y) ** 2).mean(),  # one more forward pass, for the drawing
        {"w": w, "b": b, "reservations": x, "pizzas": y},
        "pizza: loss = mean((reservations * w + b - pizzas)^2)",
    )
    print("Linear regression on the pizza data (30 rows: reservations -> pizzas)")
    print("gradient descent from w = 0 and b = 0, 20,000 iterations at lr 0.001:")
    print(f"  w = {w.item():.4f}, b = {b.item():.4f}, loss = {loss.item():.4f}")
    print(f"  prediction for 20 reservations: {(20 * w + b).item():.2f} pizzas")
    if dot is None and not _have("matplotlib"):
        print(f"({NO_PICTURES_HINT})")
        return 0
    print(write_graph(dot, out / "pizza_graph.svg") if dot is not None else f"({NO_GRAPH_HINT})")
    print(plot_losses(losses, out / "pizza_loss.png", "pizza: loss per iteration", "iteration"))
    return 0


# ---------------------------------------------------------------------------------------
# graph EXPR
# ---------------------------------------------------------------------------------------

#: Functions an expression may call, by name.
FUNCTIONS: dict[str, str] = {
    "exp": "exp", "log": "log", "tanh": "tanh", "sin": "sin", "cos": "cos", "sqrt": "sqrt",
    "sigmoid": "sigmoid", "relu": "relu", "abs": "abs",
}  # fmt: skip

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


def parse_expression(text: str) -> ast.expr:
    """Parse ``text`` into an AST that holds only names, numbers, + - * / **, unary minus
    and calls of :data:`FUNCTIONS`; raise UsageError naming what is not allowed."""
    too_deep = UsageError(
        f"expression too deep ({len(text)} characters): at most {MAX_DEPTH} nested operations"
    )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        if "too many nested" in str(e.msg):
            raise too_deep from None
        raise UsageError(f"cannot parse expression {text[:80]!r}: {e.msg}") from None
    except (RecursionError, MemoryError):
        raise too_deep from None
    if _depth(tree) > MAX_DEPTH:
        raise too_deep
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp)):
            if isinstance(node, ast.BinOp) and type(node.op) not in _BINOPS:
                raise UsageError(f"operator {type(node.op).__name__} is not allowed in {text!r}")
            if isinstance(node, ast.UnaryOp) and not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise UsageError(f"operator {type(node.op).__name__} is not allowed in {text!r}")
        elif isinstance(node, (ast.USub, ast.UAdd, *_BINOPS)):
            pass
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise UsageError(f"only numbers are allowed as constants, not {node.value!r}")
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in FUNCTIONS or node.keywords or len(node.args) != 1:
                allowed = ", ".join(FUNCTIONS)
                raise UsageError(
                    f"only one-argument calls of {allowed} are allowed, not {ast.unparse(node)!r}"
                )
        else:
            raise UsageError(f"{ast.unparse(node)!r} is not allowed in an expression")
    return tree.body


#: The deepest expression ``graph`` evaluates (it evaluates and draws recursively).
MAX_DEPTH = 200


def _depth(tree: ast.AST) -> int:
    """The nesting depth of an AST, measured without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


def expression_names(tree: ast.expr) -> list[str]:
    """The variable names an expression uses, in order of first appearance (left to right)."""
    callees = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in callees]
    names: list[str] = []
    for node in sorted(found, key=lambda n: (n.lineno, n.col_offset)):
        if node.id not in names:
            names.append(node.id)
    return names


def evaluate_expression(tree: ast.expr, env: dict[str, Any]) -> Any:
    """Evaluate a parsed expression with the values in ``env`` (Tensors or numbers)."""
    import tinygrad_lite as tl

    def ev(node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return float(node.value)  # floats: 2**2**99999 overflows at once, never hangs
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        arg = ev(node.args[0])
        if not isinstance(arg, tl.Tensor):
            arg = tl.tensor(float(arg), dtype=tl.float64)
        return getattr(tl, FUNCTIONS[node.func.id])(arg)

    return ev(tree)


def _parse_assignments(items: Sequence[str], what: str) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise UsageError(f"{what} {item!r} must look like NAME=NUMBER")
        try:
            values[name] = float(value)
        except ValueError:
            raise UsageError(f"{what} {item!r}: {value!r} is not a number") from None
    return values


def _graph_out(text: str) -> Path:
    """The --out file of ``graph``: .svg or .png (no suffix: .svg), checked writable."""
    path = Path(text)
    suffix = path.suffix.lower()
    if not suffix:
        path = path.with_suffix(".svg")
    elif suffix not in (".svg", ".png"):
        raise UsageError(f"--out {text}: the picture must be .svg or .png, not {path.suffix}")
    return _out_file(str(path), "--out")


def cmd_graph(args: argparse.Namespace) -> int:
    import tinygrad_lite as tl

    tree = parse_expression(args.expr)
    values = _parse_assignments(args.var or [], "--var")
    names = expression_names(tree)
    if not names:
        raise UsageError(f"{args.expr!r} has no variables: nothing to differentiate")
    missing = [n for n in names if n not in values]
    if missing:
        hint = " ".join(f"--var {n}=1.0" for n in missing)
        raise UsageError(f"no value for {', '.join(missing)} in {args.expr!r} (add {hint})")
    out_path = _graph_out(args.out)  # refused before any work
    env = {n: tl.tensor(values[n], dtype=tl.float64, requires_grad=True) for n in names}
    try:
        with np.errstate(all="ignore"):
            result, dot = _drawn_backward(lambda: evaluate_expression(tree, env), env, args.expr)
    except (OverflowError, ZeroDivisionError) as e:
        raise CliError(f"cannot evaluate {args.expr!r}: {e}") from None
    at = ", ".join(f"{n}={values[n]:g}" for n in names)
    print(f"{args.expr} at {at} = {result.item():.6g}")
    for n in names:
        g = env[n].grad
        print(f"  d/d{n} = {0.0 if g is None else g.item():.6g}")
    print(write_graph(dot, out_path) if dot is not None else f"({NO_GRAPH_HINT})")
    return 0


# ---------------------------------------------------------------------------------------
# train / predict
# ---------------------------------------------------------------------------------------


MODELS = ("linear", "quadratic")


def make_model(kind: str) -> Any:
    """A fresh float64 model of the given kind: ``linear`` (w, b) or ``quadratic`` (a0, a1, a2)."""
    import tinygrad_lite as tl

    if kind == "linear":
        return tl.nn.LinearRegression(dtype=tl.float64)
    return tl.nn.Polynomial(2, dtype=tl.float64)


def load_xy(path: str) -> tuple[Any, Any]:
    """The two columns (x, y) of a numeric text file with a header line, as float64 tensors.

    Raises CliError (one line, naming the file) for a missing, unreadable or malformed file.
    """
    import tinygrad_lite as tl
    from tinygrad_lite.utils.data import load_text

    try:
        names, table = load_text(path, dtype=tl.float64)
    except FileNotFoundError:
        raise CliError(f"data file not found: {path}") from None
    except IsADirectoryError:
        raise CliError(f"{path} is a directory, not a data file") from None
    except UnicodeDecodeError:
        raise CliError(f"{path} is not a text file") from None
    except OSError as e:
        raise CliError(f"cannot read {path}: {e.strerror or e}") from None
    except ValueError as e:
        raise CliError(str(e)) from None
    if table.shape[1] != 2:
        raise CliError(f"{path}: expected 2 columns (x y), found {table.shape[1]}: {names}")
    if table.shape[0] == 0:
        raise CliError(f"{path}: the file has a header but no rows of numbers")
    if not np.isfinite(table.numpy()).all():
        raise CliError(f"{path}: the data holds inf or nan values")
    return table[:, 0].contiguous(), table[:, 1].contiguous()


def _param_groups(model: Any, lr: float, per_param: dict[str, float]) -> list[dict]:
    """Optimizer param groups: one per parameter named in ``per_param``, one for the rest."""
    named = dict(model.named_parameters())
    unknown = [n for n in per_param if n not in named]
    if unknown:
        raise UsageError(
            f"--param-lr: the model has no parameter {', '.join(unknown)} "
            f"(its parameters are {', '.join(named)})"
        )
    for name, value in per_param.items():
        if not (value > 0 and math.isfinite(value)):
            raise UsageError(f"--param-lr {name}={value}: the learning rate must be positive")
    groups = [{"params": [named[n]], "lr": v} for n, v in per_param.items()]
    rest = [p for n, p in named.items() if n not in per_param]
    if rest:
        groups.append({"params": rest, "lr": lr})
    return groups


def _progress(iterable: Any, args: argparse.Namespace, **kwargs: Any) -> Any:
    """``tqdm(iterable)`` when wanted and possible (not --quiet, stderr a terminal)."""
    if args.quiet or not sys.stderr.isatty():
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, **kwargs)


def cmd_train(args: argparse.Namespace) -> int:
    import tinygrad_lite as tl
    from tinygrad_lite.utils.data import DataLoader, TensorDataset

    per_param = _parse_assignments(args.param_lr, "--param-lr")
    if args.save:
        _check_save_path(args.save)
    x, y = load_xy(args.data)
    model = make_model(args.model)
    optimizer = tl.optim.SGD(_param_groups(model, args.lr, per_param), lr=args.lr)
    loss_fn = tl.nn.MSELoss()
    batch_size = args.batch_size or len(x)
    generator = tl.Generator().manual_seed(args.seed)
    loader = DataLoader(
        TensorDataset(x, y), batch_size=batch_size, shuffle=batch_size < len(x),
        generator=generator,
    )  # fmt: skip
    _say(args, f"training a {args.model} model on {args.data}: {len(x)} rows, "
               f"{args.epochs} epochs, batch size {batch_size}")  # fmt: skip
    bar = _progress(range(args.epochs), args, desc="train", unit="epoch")
    with tl.no_grad():
        first_loss = loss = loss_fn(model(x), y).item()
    with np.errstate(all="ignore"):
        for epoch in bar:
            for xb, yb in loader:
                optimizer.zero_grad()
                batch_loss = loss_fn(model(xb), yb)
                batch_loss.backward()
                optimizer.step()
            with tl.no_grad():
                loss = loss_fn(model(x), y).item()
            if not math.isfinite(loss):
                raise CliError(
                    f"training diverged at epoch {epoch + 1} (loss {loss}): lower --lr, or "
                    "give the steep parameters their own --param-lr"
                )
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(loss=f"{loss:.6g}", refresh=False)
    values = ", ".join(f"{n}={p.item():.6g}" for n, p in model.named_parameters())
    print(f"{values}, loss={loss:.6g}")
    if loss > first_loss:
        print(f"(the loss went up from {first_loss:.6g} to {loss:.6g}: the learning rate is too "
              "high; lower --lr or give the steep parameters their own --param-lr)")  # fmt: skip
    if args.save:
        info = {"model": args.model, "loss": loss, "epochs": args.epochs, "data": str(args.data)}
        try:
            if _is_safetensors(args.save):
                from .serialization_safetensors import save_file

                metadata = {f"tinygrad_lite.{k}": str(v) for k, v in info.items()}
                save_file(model.state_dict(), args.save, metadata=metadata)
            else:
                tl.save({**info, "state_dict": model.state_dict()}, args.save)
        except OSError as e:
            raise CliError(f"cannot write checkpoint {args.save}: {e.strerror or e}") from None
        _say(args, f"wrote {args.save}")
    return 0


def _is_safetensors(path: str) -> bool:
    return path.lower().endswith(".safetensors")


def _check_save_path(path: str) -> None:
    """Refuse a --save path we could not write, before any training (one line, exit 1)."""
    if _is_safetensors(path) and not _have("safetensors.numpy"):
        raise CliError(
            f"--save {path}: .safetensors needs the extra 'safetensors': "
            "pip install 'tinygrad_lite[safetensors]' (or save as .npz)"
        )
    _out_file(path, "--save")


def load_checkpoint(path: str) -> Any:
    """The model saved by ``train --save`` at ``path``; CliError for a missing or bad file."""
    import tinygrad_lite as tl
    from tinygrad_lite.serialization import CheckpointError

    try:
        state = _load_safetensors_checkpoint(path) if _is_safetensors(path) else tl.load(path)
    except ImportError as e:
        raise CliError(str(e)) from None
    except FileNotFoundError:
        raise CliError(f"checkpoint not found: {path}") from None
    except IsADirectoryError:
        raise CliError(f"{path} is a directory, not a checkpoint") from None
    except CheckpointError as e:
        raise CliError(str(e)) from None
    except OSError as e:
        raise CliError(f"cannot read checkpoint {path}: {e.strerror or e}") from None
    if not (isinstance(state, dict) and state.get("model") in MODELS and "state_dict" in state):
        raise CliError(f"{path} is a checkpoint, but not one written by `{PROG} train --save`")
    model = make_model(state["model"])
    try:
        model.load_state_dict(state["state_dict"])
    except (KeyError, RuntimeError, ValueError) as e:
        kind = state["model"]
        raise CliError(f"{path}: the saved parameters do not fit a {kind} model: {e}") from None
    return model


def _load_safetensors_checkpoint(path: str) -> dict:
    """A .safetensors checkpoint as ``train --save`` state: the model kind comes from the
    metadata ``train`` writes, else from the tensor names (a file written by PyTorch)."""
    from .serialization_safetensors import load_file, load_metadata

    tensors = load_file(path)
    kind = load_metadata(path).get("tinygrad_lite.model")
    if kind is None:
        kinds = [k for k in MODELS if set(make_model(k).state_dict()) == set(tensors)]
        kind = kinds[0] if kinds else None
    return {"model": kind, "state_dict": tensors}


def cmd_predict(args: argparse.Namespace) -> int:
    import tinygrad_lite as tl

    model = load_checkpoint(args.checkpoint)
    with tl.no_grad():
        ys = model(tl.tensor(args.x, dtype=tl.float64)).tolist()
    for xv, yv in zip(args.x, ys):
        print(f"{xv:g} -> {yv:.6g}")
    return 0


# ---------------------------------------------------------------------------------------
# the parser and main
# ---------------------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive finite number")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**64:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number from 0 to 2**64-1")
    return value


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``tinygrad-lite`` with its four sub-commands."""
    from . import __version__

    parser = _Parser(
        prog=PROG,
        description="tinygrad_lite: train the lessons' small models, draw computation graphs.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    demo = sub.add_parser("demo", help="train the pizza model, print its numbers, draw it")
    demo.add_argument("--out", default="out", help="output directory (default: ./out)")
    demo.set_defaults(func=cmd_demo)

    train = sub.add_parser("train", help="train a linear or quadratic model on a data file")
    train.add_argument("--data", required=True, help="text file: header line, then x y rows")
    train.add_argument(
        "--model",
        choices=MODELS,
        default="linear",
        help="linear: w*x + b; quadratic: a2*x**2 + a1*x + a0 (default: linear)",
    )
    train.add_argument(
        "--epochs", type=_positive_int, default=100, help="passes over the data (default: 100)"
    )
    train.add_argument("--batch-size", type=_positive_int, default=None,
                       help="minibatch size (default: the whole data set)")  # fmt: skip
    train.add_argument(
        "--lr", type=_positive_float, default=0.001, help="learning rate (default: 0.001)"
    )
    train.add_argument("--param-lr", action="append", metavar="NAME=LR", default=[],
                       help="learning rate of one parameter (repeatable)")  # fmt: skip
    train.add_argument("--seed", type=_seed, default=0,
                       help="seed for the shuffling, 0 to 2**64-1 (default: 0)")  # fmt: skip
    train.add_argument("--save", metavar="CKPT",
                       help="write the trained parameters (.npz, or .safetensors for PyTorch)")  # fmt: skip
    train.add_argument("--quiet", action="store_true", help="no progress bar, fewer lines")
    train.set_defaults(func=cmd_train)

    predict = sub.add_parser(
        "predict",
        help="predict y for each X with a saved checkpoint",
        description="Load a model saved by `train --save` and print `x -> y` for each X.",
    )
    predict.add_argument("--checkpoint", required=True, metavar="CKPT",
                         help="checkpoint written by `train --save` (.npz or .safetensors)")  # fmt: skip
    predict.add_argument("x", nargs="+", type=_float, metavar="X",
                         help="inputs (numbers; negative, inf and nan are fine: -2.5 inf nan)")  # fmt: skip
    predict.set_defaults(func=cmd_predict)

    graph = sub.add_parser("graph", help="evaluate, differentiate and draw an expression")
    graph.add_argument("expr", metavar="EXPR", help='e.g. "x**2 + x*y"')
    graph.add_argument("--var", action="append", metavar="NAME=VALUE",
                       help="value of a variable (repeatable)")  # fmt: skip
    graph.add_argument("--out", default="out/graph.svg",
                       help="picture to write, .svg or .png (default: out/graph.svg)")  # fmt: skip
    graph.set_defaults(func=cmd_graph)
    return parser


def _error(args: argparse.Namespace, message: str) -> None:
    """Print ``message`` as one line on stderr (newlines and tabs folded into spaces)."""
    print(f"{PROG} {args.command}: error: {' '.join(message.split())}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 bad file or data, 2 bad usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UsageError as e:
        _error(args, str(e))
        return 2
    except CliError as e:
        _error(args, str(e))
        return 1
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug or an unexpected input: one line, unless debugging
        if os.environ.get("TINYGRAD_LITE_DEBUG"):
            raise
        _error(args, f"{type(e).__name__}: {e}")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
