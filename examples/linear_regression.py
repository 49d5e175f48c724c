"""Fit y = 2x + 1 by gradient descent, written exactly as a PyTorch user writes it.

    python examples/linear_regression.py          # runs on ember's default backend
    EMBER_BACKEND=example python examples/linear_regression.py
"""
import ember as torch

x = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
y = torch.tensor([[3.0], [5.0], [7.0], [9.0]])

w = torch.zeros(1, 1, requires_grad=True)
b = torch.zeros(1, 1, requires_grad=True)
lr = 0.01

for epoch in range(10):
    loss = ((x @ w + b - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    print(f"Epoch {epoch + 1}: Loss = {loss.item()}")

print(f"Trained weight: {w}")
print(f"Trained bias: {b}")
