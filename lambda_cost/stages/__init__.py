"""The stages in data-flow order: load → edit → validate → expand → fit → meter → price → report → gate."""
