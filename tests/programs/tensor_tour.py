"""A lecture notebook's tour of tensor operations, cell after cell, printing each result."""

import numpy as np
import torch

a = torch.tensor(np.arange(12, dtype=np.float64).reshape(3, 4) / 3 - 1.5)
print("a.sum(axis=0):", a.sum(axis=0).tolist())
print("cumsum:", torch.cumsum(a, dim=1)[-1].tolist())
xs, ys = torch.meshgrid(torch.arange(3.0), torch.arange(2.0), indexing="xy")
print("meshgrid xy:", xs.tolist(), ys.tolist())
print("einsum:", torch.einsum("ij,kj->ik", a, a).tolist())
print("tensordot:", torch.tensordot(a, a, dims=([0], [0])).diagonal().tolist())
vals, idx = torch.sort(a.flatten(), descending=True)
print("sort:", vals[:4].tolist(), idx[:4].tolist())
u, inv, cnt = torch.unique(
    torch.tensor([3, 1, 3, 2, 1, 3]), return_inverse=True, return_counts=True
)
print("unique:", u.tolist(), inv.tolist(), cnt.tolist())
print("flip/roll:", torch.flip(a, [0])[0].tolist(), torch.roll(a, 1, 1)[0].tolist())
print("bincount:", torch.bincount(torch.tensor([0, 2, 2, 5])).tolist())
print("histc:", torch.histc(a.flatten(), bins=4).tolist())
m = a[:, :3] @ a[:, :3].T + torch.eye(3, dtype=torch.float64)
print(
    "det:",
    round(float(torch.det(m)), 8),
    "inverse row:",
    [round(v, 8) for v in torch.linalg.inv(m)[0].tolist()],
)
print("svdvals:", [round(v, 8) for v in torch.linalg.svd(a, full_matrices=False).S.tolist()])
print("norms:", round(float(torch.linalg.norm(a)), 8), round(float(torch.linalg.norm(a, "nuc")), 8))
print("cross:", torch.cross(a[0, :3], a[1, 1:], dim=0).tolist())
print("kron:", torch.kron(torch.eye(2), torch.ones(1, 2)).tolist())
print("nonzero:", torch.nonzero(torch.tensor([[0, 1], [1, 0]])).tolist())
print("diff:", torch.diff(a[0]).tolist())
print("repeat_interleave:", torch.repeat_interleave(torch.tensor([1, 2]), 2).tolist())
print("bitwise:", torch.bitwise_and(torch.tensor([12, 10]), torch.tensor([10, 6])).tolist())
print(
    "atan2/log2:",
    [round(v, 8) for v in torch.atan2(a[0], a[1] + 3).tolist()],
    torch.log2(torch.tensor([8.0])).tolist(),
)
w = torch.tensor([0.5, -0.3], requires_grad=True)
loss = torch.sinh(w).sum() + torch.linalg.vector_norm(w, 3)
loss.backward()
print("grad:", [round(v, 8) for v in w.grad.tolist()])
print("type:", a.type(), a.float().type(), torch.LongTensor([1]).type())
