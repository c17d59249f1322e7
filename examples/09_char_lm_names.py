"""A character-level language model of names, in three steps: counts, an MLP, a Transformer.

The data is ``data/names.txt`` (4,000 made-up names, see ``data/make_names.py``). Each model
predicts the next character from the ones before it, with ``.`` marking start and end:

1. **Bigram counts**: a 27x27 table of how often each character follows another, turned
   into probabilities. Its negative log-likelihood (NLL) is the number to beat.
2. **An MLP over embeddings** (Bengio et al. 2003): the last 3 characters are looked up
   in an ``nn.Embedding`` table of 10 numbers each, joined, and passed through a tanh
   layer of 200 units to 27 logits. The embedding space is plotted in 2-D.
3. **A small causal Transformer**: token and position embeddings, two pre-norm
   ``nn.TransformerEncoderLayer`` blocks with a causal mask, and an output layer tied to
   the token embedding (``head.weight = tok.weight``). The graph of one attention block is
   drawn with ``tinygrad_lite.viz`` (modules collapsed).

Each model samples 10 names with ``torch.multinomial`` and a seeded ``torch.Generator``.
Everything below the backend choice is PyTorch code: ``--backend torch`` (or
``EXAMPLE_BACKEND=torch``) runs it on PyTorch. The weights and minibatches come from a
seeded NumPy generator and the computation is float64, so both backends print the same
losses (to about 1e-10).

Run: ``python examples/09_char_lm_names.py [--backend torch|tinygrad_lite] [--steps N] [--out DIR]``.
"""

# %% Choose the backend: the only lines that differ
import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _shared import data_path, have_matplotlib, wrote  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--backend", choices=["tinygrad_lite", "torch"],
                    default=os.environ.get("EXAMPLE_BACKEND", "tinygrad_lite"))  # fmt: skip
parser.add_argument("--steps", type=int, default=10_000, help="MLP steps (Transformer: a fifth)")
parser.add_argument("--out", default="out", help="directory for the pictures")
args, _ = parser.parse_known_args()
if args.backend == "torch":
    import torch
else:
    import tinygrad_lite as torch
nn, F = torch.nn, torch.nn.functional
out_dir = Path(args.out)
out_dir.mkdir(parents=True, exist_ok=True)
print(f"backend: {torch.__name__}")
torch.set_default_dtype(torch.float64)

# %% The data: names -> character indices, '.' (index 0) marks start and end
words = data_path("names.txt").read_text().split()
chars = sorted(set("".join(words)))
stoi = {c: i + 1 for i, c in enumerate(chars)}
stoi["."] = 0
itos = {i: c for c, i in stoi.items()}
V = len(stoi)  # 27
order = np.random.default_rng(42).permutation(len(words))
n_train = int(0.9 * len(words))
train_words = [words[i] for i in order[:n_train]]
dev_words = [words[i] for i in order[n_train:]]
print(
    f"{len(words)} names, {V} characters; {len(train_words)} for training, {len(dev_words)} held out"
)

rng = np.random.default_rng(0)  # all weights and minibatches come from here


def init_weights(model) -> None:
    """Weights ~ U(±1/√fan_in), biases ~ U(±0.1), the MLP's embedding N(0, 1) and the
    Transformer's N(0, 0.1²) (its table is also the output layer), drawn with NumPy."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                continue  # LayerNorm starts at weight 1, bias 0 in both libraries
            if p.dim() == 1:
                values = rng.uniform(-0.1, 0.1, tuple(p.shape))
            elif "emb" in name:
                values = rng.normal(0.0, 1.0, tuple(p.shape))
            elif "tok" in name or "pos" in name:
                values = rng.normal(0.0, 0.1, tuple(p.shape))
            else:
                values = rng.uniform(-1, 1, tuple(p.shape)) / np.sqrt(p.shape[-1])
            p.copy_(torch.from_numpy(values))


def sample(next_probs, g, n: int = 10) -> list:
    """``n`` names drawn one character at a time: ``next_probs(context)`` gives the 27
    probabilities of the next character; stop at '.'."""
    names = []
    for _ in range(n):
        context, name = [0], ""
        while len(name) < 20:
            ix = torch.multinomial(next_probs(context), num_samples=1, replacement=True,
                                   generator=g).item()  # fmt: skip
            if ix == 0:
                break
            name += itos[ix]
            context.append(ix)
        names.append(name)
    return names


# %% Step 1: the bigram table
def bigrams(ws: list) -> tuple:
    xs, ys = [], []
    for w in ws:
        seq = [0] + [stoi[c] for c in w] + [0]
        xs += seq[:-1]
        ys += seq[1:]
    return torch.tensor(xs), torch.tensor(ys)


xs, ys = bigrams(train_words)
N = F.one_hot(xs, V).double().T @ F.one_hot(ys, V).double()  # N[i, j]: how often j follows i
P = (N + 1) / (N + 1).sum(1, keepdim=True)  # +1: no probability is zero (smoothing)
dev_x, dev_y = bigrams(dev_words)
print(f"bigram: most common pair '{itos[int(N.argmax()) // V]}{itos[int(N.argmax()) % V]}' "
      f"({int(N.max().item())} times)")  # fmt: skip
print(f"bigram train NLL {-P[xs, ys].log().mean().item():.6f}")
print(f"bigram dev NLL {-P[dev_x, dev_y].log().mean().item():.6f}")
g = torch.Generator().manual_seed(2147483647)
print("bigram samples:", " ".join(sample(lambda ctx: P[ctx[-1]], g)))


# %% Step 2: an MLP over embeddings
BLOCK = 3  # characters of context


def windows(ws: list) -> tuple:
    X, Y = [], []
    for w in ws:
        context = [0] * BLOCK
        for ch in w + ".":
            X.append(context)
            Y.append(stoi[ch])
            context = context[1:] + [stoi[ch]]
    return torch.tensor(X), torch.tensor(Y)


class MLP(nn.Module):
    def __init__(self, emb: int = 10, hidden: int = 200) -> None:
        super().__init__()
        self.emb = nn.Embedding(V, emb)
        self.hidden = nn.Linear(BLOCK * emb, hidden)
        self.out = nn.Linear(hidden, V)

    def forward(self, x):
        e = self.emb(x)  # (B, 3, 10)
        return self.out(torch.tanh(self.hidden(e.view(e.shape[0], -1))))


Xtr, Ytr = windows(train_words)
Xdev, Ydev = windows(dev_words)
mlp = MLP()
init_weights(mlp)
opt = torch.optim.SGD(mlp.parameters(), lr=0.1)
steps = args.steps
for step in range(steps):
    ix = torch.from_numpy(rng.integers(0, len(Xtr), 32))
    loss = F.cross_entropy(mlp(Xtr[ix]), Ytr[ix])
    opt.zero_grad()
    loss.backward()
    if step == steps // 2:
        for group in opt.param_groups:
            group["lr"] = 0.01  # the lecture's step decay
    opt.step()
    if step % max(1, steps // 5) == 0:
        print(f"mlp step {step:6d}: minibatch loss {loss.item():.6f}")
with torch.no_grad():
    print(f"mlp train NLL {F.cross_entropy(mlp(Xtr), Ytr).item():.6f}")
    print(f"mlp dev NLL {F.cross_entropy(mlp(Xdev), Ydev).item():.6f}")
    g = torch.Generator().manual_seed(2147483647)
    probs = lambda ctx: F.softmax(mlp(torch.tensor([([0] * BLOCK + ctx)[-BLOCK:]])), -1)[0]  # noqa: E731
    print("mlp samples:", " ".join(sample(probs, g)))

# %% The embedding space in 2-D (the two main directions of the 27 learned vectors)
if have_matplotlib():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = mlp.emb.weight.detach().numpy()
    centred = table - table.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.scatter(xy[:, 0], xy[:, 1], s=260, c="#c8d3f5")
    for i in range(V):
        ax.text(xy[i, 0], xy[i, 1], itos[i], ha="center", va="center", fontsize=11)
    ax.set_title("character embeddings (first two principal directions)")
    ax.grid(alpha=0.3)
    path = out_dir / f"names_embedding_2d{'' if args.backend == 'tinygrad_lite' else '_torch'}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    wrote(path)


# %% Step 3: a small causal Transformer (weights tied between input and output)
T_MAX = max(len(w) for w in words) + 1  # positions: '.' + the longest name


def sequences(ws: list) -> tuple:
    """x: '.' + name, padded with '.'; y: name + '.', padding marked -1 (ignored by the loss)."""
    X = np.zeros((len(ws), T_MAX), dtype=np.int64)
    Y = np.full((len(ws), T_MAX), -1, dtype=np.int64)
    for i, w in enumerate(ws):
        ids = [stoi[c] for c in w]
        X[i, 1 : len(ids) + 1] = ids
        Y[i, : len(ids) + 1] = ids + [0]
    return torch.from_numpy(X), torch.from_numpy(Y)


class TinyGPT(nn.Module):
    def __init__(self, d: int = 32, heads: int = 4, layers: int = 2) -> None:
        super().__init__()
        self.tok = nn.Embedding(V, d)
        self.pos = nn.Embedding(T_MAX, d)
        block = nn.TransformerEncoderLayer(d, heads, 4 * d, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)  # fmt: skip
        self.blocks = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, V, bias=False)
        self.head.weight = self.tok.weight  # weight tying: one table, two uses

    def forward(self, x):
        t = x.shape[1]
        mask = nn.Transformer.generate_square_subsequent_mask(t)
        h = self.tok(x) + self.pos(torch.arange(t))
        return self.head(self.norm(self.blocks(h, mask=mask, is_causal=True)))


Str, Ttr = sequences(train_words)
Sdev, Tdev = sequences(dev_words)
gpt = TinyGPT()
init_weights(gpt)
n_params = sum(p.numel() for p in gpt.parameters())
print(f"transformer: {n_params} parameters (the tied table counted once)")
opt = torch.optim.Adam(gpt.parameters(), lr=3e-3)
gpt_steps = max(1, steps // 5)
for step in range(gpt_steps):
    ix = torch.from_numpy(rng.integers(0, len(Str), 32))
    logits = gpt(Str[ix])
    loss = F.cross_entropy(logits.view(-1, V), Ttr[ix].view(-1), ignore_index=-1)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(gpt.parameters(), 1.0)
    opt.step()
    if step % max(1, gpt_steps // 5) == 0:
        print(f"transformer step {step:5d}: minibatch loss {loss.item():.6f}")
with torch.no_grad():
    tr = F.cross_entropy(gpt(Str).view(-1, V), Ttr.view(-1), ignore_index=-1).item()
    dev = F.cross_entropy(gpt(Sdev).view(-1, V), Tdev.view(-1), ignore_index=-1).item()
    print(f"transformer train NLL {tr:.6f}")
    print(f"transformer dev NLL {dev:.6f}")
    g = torch.Generator().manual_seed(2147483647)
    probs = lambda ctx: F.softmax(gpt(torch.tensor([ctx[-T_MAX:]]))[0, -1], -1)  # noqa: E731
    print("transformer samples:", " ".join(sample(probs, g)))

# %% The graph of one attention block (tinygrad_lite only: viz reads its tape)
if args.backend == "tinygrad_lite":
    from tinygrad_lite import viz

    block = gpt.blocks.layers[0]
    x = (gpt.tok(Str[:1, :4]) + gpt.pos(torch.arange(4))).detach().requires_grad_()
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    with viz.record():
        out = block(x, src_mask=mask, is_causal=True).pow(2).mean()
    viz.backward(out)
    names = {"x": x, "mask": mask, "out": out}
    picture = viz.draw(out, (block, names), collapse_modules=True, max_elems=3, rankdir="TB")
    try:
        wrote(viz.render(picture, str(out_dir / "names_attention_block"), "png"))
    except viz.GraphvizMissingError as e:
        print(f"(no picture of the attention block: {e})")
