"""The building blocks of the decomposition in `engine.methods.decompose`.

Classical (CPU) components:

segment   object mask from a box or a brush mask (OpenCV GrabCut)
matting   trimap from a mask, alpha by closed-form matting (pymatting)
patchmatch_fill  content-aware fill of the background (multi-scale PatchMatch,
          the default)
fill      a pyramid (push-pull) fill plus synthesised grain: the smooth fill
          PatchMatch starts from, and the former default
shadow    the object's cast shadow: darker-than-surroundings pixels attached
          to its base, as a smooth translucent-black alpha
layers    foreground colours from composite, alpha and background; the
          high-frequency alignment that makes foreground over background give
          back the composite in 8 bits; the recomposition error
salient   the main object (or objects) of a picture nobody marked: boxes for
          the steps above (New Layered Image, Decompose and Select > Subject)

Learned components, used when their models are on this computer (see choose):
sam_segment     object mask by SAM from the box (and brush points)
vitmatte        alpha by ViTMatte in the trimap's unknown band
diffusion_fill  the background by a diffusers inpainting model, seams matched
choose          which component does each step: auto / classical / a model
"""
