"""The character-level MLP of language-model lectures: an embedding table, a tanh hidden
layer, cross-entropy over 27 characters, minibatches drawn with randint."""

import torch
import torch.nn.functional as F


def main(scale=1.0):
    g = torch.Generator().manual_seed(2147483647)
    n, block, emb, hidden = 5000, 3, 10, 200
    X = torch.randint(0, 27, (n, block), generator=g)
    Y = torch.randint(0, 27, (n,), generator=g)
    C = torch.randn((27, emb), generator=g)
    W1 = torch.randn((block * emb, hidden), generator=g) * 0.2
    b1 = torch.randn(hidden, generator=g) * 0.01
    W2 = torch.randn((hidden, 27), generator=g) * 0.01
    b2 = torch.randn(27, generator=g) * 0
    parameters = [C, W1, b1, W2, b2]
    for p in parameters:
        p.requires_grad = True
    for i in range(int(1000 * scale)):
        ix = torch.randint(0, X.shape[0], (32,), generator=g)
        embcat = C[X[ix]].view(-1, block * emb)
        h = torch.tanh(embcat @ W1 + b1)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Y[ix])
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if i < 100000 else 0.01
        for p in parameters:
            p.data += -lr * p.grad
    return loss.item()
