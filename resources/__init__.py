"""Resources shipped with Layered: stylesheet, icons, model catalogue, built-in weights."""
