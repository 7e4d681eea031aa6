"""The Gradio web app: 问答 (citizens), 引用核对 (staff), 报告管理 (admins); see :mod:`assistant.ui.app`."""
