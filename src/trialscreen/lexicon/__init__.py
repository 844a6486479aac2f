"""The concept lexicon: conditions, treatments, drugs and procedures with synonyms and codes."""
