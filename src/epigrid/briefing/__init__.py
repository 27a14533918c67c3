"""The briefing app: the dispatch meeting page 调度会 and the briefing 简报 (DOCX, PDF, XLSX)."""
