"""small networks exercising what the built-ins do not: squeeze-excitation,
channel shuffle, dense concatenation, grouped bottleneck, ceil-mode pools"""
import os, sys, torch
from torch import nn
import torch.nn.functional as F

class Zoo(nn.Module):
    def __init__(s):
        super().__init__()
        s.stem = nn.Conv2d(3, 16, 3, 2, 1)
        s.pool = nn.MaxPool2d(3, 2, ceil_mode=True)
        s.se1, s.se2 = nn.Conv2d(16, 4, 1), nn.Conv2d(4, 16, 1)
        s.g = nn.Conv2d(16, 16, 3, 1, 1, groups=4)
        s.d1 = nn.Conv2d(16, 8, 3, 1, 1)
        s.avg = nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)
        s.bn = nn.BatchNorm2d(24)
        s.hs = nn.Hardswish()
        s.fc = nn.Linear(24, 10)
    def forward(s, x):
        x = F.relu(s.stem(x))
        x = s.pool(x)
        w = torch.sigmoid(s.se2(F.relu(s.se1(F.adaptive_avg_pool2d(x, 1)))))
        x = x * w
        x = s.g(x)
        n, c, h, ww = x.shape
        x = x.view(n, 4, c // 4, h, ww).transpose(1, 2).reshape(n, c, h, ww)
        x = torch.cat([x, s.d1(x)], 1)
        x = s.hs(s.bn(s.avg(x)))
        x = x.mean((2, 3))
        return s.fc(x)

if __name__ == "__main__":
    path, opset = sys.argv[1], int(sys.argv[2])
    m = Zoo().eval()
    torch.onnx.export(m, torch.zeros(1, 3, 64, 64), path, opset_version=opset, input_names=["x"],
                      dynamic_axes={"x": {0: "N"}})
