"""The PyTorch models nnbench's networks stand for, shared by the tests
that compare nnbench with torch and the tools (not a test itself): the
torchvision models (weights=None) and seed 003's AlexNet as its listing
writes it (class AlexNet, convolutions without bias)."""
import torch
import torchvision
from torch import nn


class AlexNet(nn.Module):
    """seed 003's listing, as printed there (convolutions without bias)"""

    def __init__(self, num_classes=1000):
        super().__init__()
        self.feature_extraction = nn.Sequential(
            nn.Conv2d(3, 96, 11, 4, 2, bias=False), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 0),
            nn.Conv2d(96, 192, 5, 1, 2, bias=False), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 0),
            nn.Conv2d(192, 384, 3, 1, 1, bias=False), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, 1, 1, bias=False), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, 3, 1, 1, bias=False), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 0))
        self.classifier = nn.Sequential(
            nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Linear(4096, num_classes))

    def forward(self, x):
        x = self.feature_extraction(x)
        x = x.view(x.size(0), 256 * 6 * 6)
        return self.classifier(x)


SeedAlexNet = AlexNet
TORCH_NETS = ("alexnet", "vgg16", "resnet18", "resnet50", "mobilenet_v2", "googlenet", "alexnet-seed")


def torch_model(name):
    if name == "alexnet-seed":
        return AlexNet()
    kw = {"aux_logits": False, "init_weights": False} if name == "googlenet" else {}
    return getattr(torchvision.models, name)(weights=None, **kw)
