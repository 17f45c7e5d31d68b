"""Heavy-pollution emergency response (重污染天气应急): alerts, the reduction list, checklists, compliance, reports."""
