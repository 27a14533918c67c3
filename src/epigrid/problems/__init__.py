"""Problems 问题清单: raised by any area, assigned, closed day by day, escalated when overdue."""
