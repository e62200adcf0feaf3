"""UI tests: offscreen Qt, driven with pytest-qt's qtbot."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
