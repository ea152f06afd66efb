"""OpenCV references for the engine's image geometry, computed as FaceFusion computes them.

Usage: /usr/bin/python3 test/parity/opencv_reference.py <photos dir> <output dir>

Reads every JPEG of the photos directory with OpenCV and writes, for the parity test to compare:
  reference.json   photos (name, size), landmark sets, alignment matrices and inliers per template,
                   letterbox shapes, paste-back areas, NMS cases and their kept indices
  <photo>.rgb      the decoded pixels (RGB, 8 bit) so both sides start from the same input
  *.rgb, *.f32     warped crops, letterboxed detector inputs (before normalisation; the JSON names each
                   family's mean, std and plane order), processed crops (float32) and pasted areas
The functions below restate FaceFusion's (face_helper.py, face_detector.py, face_masker.py, vision.py).
"""

import json
import os
import sys

import cv2
import numpy

WARP_TEMPLATES = {
    'arcface_112_v2': numpy.array([[0.34191607, 0.46157411], [0.65653393, 0.45983393], [0.50022500, 0.64050536],
                                   [0.37097589, 0.82469196], [0.63151696, 0.82325089]]),
    'arcface_128': numpy.array([[0.36167656, 0.40387734], [0.63696719, 0.40235469], [0.50019687, 0.56044219],
                                [0.38710391, 0.72160547], [0.61507734, 0.72034453]]),
    'ffhq_512': numpy.array([[0.37691676, 0.46864664], [0.62285697, 0.46912813], [0.50123859, 0.61331904],
                             [0.39308822, 0.72541100], [0.61150205, 0.72490465]]),
}
# (template, crop size) pairs the engine uses: recognizer, InSwapper, HyperSwap, enhancers.
ALIGNMENTS = [('arcface_112_v2', 112), ('arcface_128', 128), ('arcface_128', 256), ('ffhq_512', 512)]
# Detector families: input size and FaceFusion's normalize range ([-1, 1], [0, 1], [0, 255]).
LETTERBOXES = {
    'scrfd': ((640, 640), 'minus_one_one'),
    'retinaface': ((640, 640), 'minus_one_one'),
    'yoloface': ((640, 640), 'zero_one'),
    'yunet': ((640, 640), 'zero_255'),
    'ultraface': ((320, 240), 'ultraface'),
}


def estimate_matrix(face_landmark_5, warp_template, crop_size):
    warp_template_norm = WARP_TEMPLATES[warp_template] * crop_size
    matrix, inliers = cv2.estimateAffinePartial2D(face_landmark_5, warp_template_norm, method=cv2.RANSAC,
                                                  ransacReprojThreshold=100)
    return matrix, inliers


def restrict_frame(vision_frame, resolution):
    height, width = vision_frame.shape[:2]
    restrict_width, restrict_height = resolution
    if height > restrict_height or width > restrict_width:
        scale = min(restrict_height / height, restrict_width / width)
        return cv2.resize(vision_frame, (int(width * scale), int(height * scale)))
    return vision_frame


def letterbox(vision_frame, size):
    """FaceFusion's detector input before normalisation: restricted, pasted top-left on black."""
    width, height = size
    temp = restrict_frame(vision_frame, size)
    detect = numpy.zeros((height, width, 3))
    detect[:temp.shape[0], :temp.shape[1], :] = temp
    return detect


# normalize_detect_frame per family as (x - mean) / std on BGR planes; UltraFace (not a FaceFusion
# detector) takes RGB planes, (x - 127) / 128.
NORMALISATION = {
    'minus_one_one': {'mean': 127.5, 'std': 128.0, 'channels': 'bgr'},
    'zero_one': {'mean': 0.0, 'std': 255.0, 'channels': 'bgr'},
    'zero_255': {'mean': 0.0, 'std': 1.0, 'channels': 'bgr'},
    'ultraface': {'mean': 127.0, 'std': 128.0, 'channels': 'rgb'},
}


def create_box_mask(crop_size, face_mask_blur):
    blur_amount = int(crop_size * 0.5 * face_mask_blur)
    blur_area = max(blur_amount // 2, 1)
    box_mask = numpy.ones((crop_size, crop_size)).astype(numpy.float32)
    box_mask[:blur_area, :] = 0
    box_mask[-blur_area:, :] = 0
    box_mask[:, :blur_area] = 0
    box_mask[:, -blur_area:] = 0
    if blur_amount > 0:
        box_mask = cv2.GaussianBlur(box_mask, (0, 0), blur_amount * 0.25)
    return box_mask


def transform_points(points, matrix):
    return cv2.transform(points.reshape(-1, 1, 2), matrix).reshape(-1, 2)


def calculate_paste_area(temp_vision_frame, crop_vision_frame, affine_matrix):
    temp_height, temp_width = temp_vision_frame.shape[:2]
    crop_height, crop_width = crop_vision_frame.shape[:2]
    inverse_matrix = cv2.invertAffineTransform(affine_matrix)
    crop_points = numpy.array([[0, 0], [crop_width, 0], [crop_width, crop_height], [0, crop_height]])
    paste_region_points = transform_points(crop_points, inverse_matrix)
    paste_region_point_min = numpy.floor(paste_region_points.min(axis=0)).astype(int)
    paste_region_point_max = numpy.ceil(paste_region_points.max(axis=0)).astype(int)
    x1, y1 = numpy.clip(paste_region_point_min, 0, [temp_width, temp_height])
    x2, y2 = numpy.clip(paste_region_point_max, 0, [temp_width, temp_height])
    paste_matrix = inverse_matrix.copy()
    paste_matrix[0, 2] -= x1
    paste_matrix[1, 2] -= y1
    return [int(x1), int(y1), int(x2), int(y2)], paste_matrix


def paste_back(temp_vision_frame, crop_vision_frame, crop_vision_mask, affine_matrix):
    (x1, y1, x2, y2), paste_matrix = calculate_paste_area(temp_vision_frame, crop_vision_frame, affine_matrix)
    paste_width = x2 - x1
    paste_height = y2 - y1
    inverse_vision_mask = cv2.warpAffine(crop_vision_mask, paste_matrix, (paste_width, paste_height)).clip(0, 1)
    inverse_vision_mask = numpy.expand_dims(inverse_vision_mask, axis=-1)
    inverse_vision_frame = cv2.warpAffine(crop_vision_frame, paste_matrix, (paste_width, paste_height),
                                          borderMode=cv2.BORDER_REPLICATE)
    temp_vision_frame = temp_vision_frame.copy()
    paste_vision_frame = temp_vision_frame[y1:y2, x1:x2]
    paste_vision_frame = paste_vision_frame * (1 - inverse_vision_mask) + inverse_vision_frame * inverse_vision_mask
    temp_vision_frame[y1:y2, x1:x2] = paste_vision_frame.astype(temp_vision_frame.dtype)
    return temp_vision_frame, [x1, y1, x2, y2]



def create_rotation_matrix_and_size(angle, size):
    rotation_matrix = cv2.getRotationMatrix2D((size[0] / 2, size[1] / 2), angle, 1)
    rotation_size = numpy.dot(numpy.abs(rotation_matrix[:, :2]), size)
    rotation_matrix[:, -1] += (rotation_size - size) * 0.5
    rotation_size = int(rotation_size[0]), int(rotation_size[1])
    return rotation_matrix, rotation_size


def landmarker_crop(vision_frame, bounding_box, face_angle):
    """FaceFusion's detect_with_2dfan4 input, before its contrast step and normalisation."""
    model_size = (256, 256)
    scale = 195 / numpy.subtract(bounding_box[2:], bounding_box[:2]).max().clip(1, None)
    translation = (model_size[0] - numpy.add(bounding_box[2:], bounding_box[:2]) * scale) * 0.5
    rotation_matrix, rotation_size = create_rotation_matrix_and_size(face_angle, model_size)
    affine_matrix = numpy.array([[scale, 0, translation[0]], [0, scale, translation[1]]])
    crop_vision_frame = cv2.warpAffine(vision_frame, affine_matrix, model_size)
    crop_vision_frame = cv2.warpAffine(crop_vision_frame, rotation_matrix, rotation_size)
    return crop_vision_frame


def estimate_face_angle(face_landmark_68):
    x1, y1 = face_landmark_68[0]
    x2, y2 = face_landmark_68[16]
    theta = numpy.arctan2(y2 - y1, x2 - x1)
    theta = numpy.degrees(theta) % 360
    angles = numpy.linspace(0, 360, 5)
    index = numpy.argmin(numpy.abs(angles - theta))
    return int(angles[index] % 360)


def landmark_sets(rng, width, height, count):
    """Five-point sets over the photo: frontal, rolled up to 180 degrees, and strong poses whose
    nose or mouth moves far off the template (RANSAC drops a point on those at 512 px)."""
    sets = []
    base = WARP_TEMPLATES['arcface_112_v2'] - 0.5
    for index in range(count):
        side = rng.uniform(0.15, 0.6) * min(width, height)
        angle = rng.uniform(-numpy.pi, numpy.pi) if index % 3 == 1 else rng.uniform(-0.4, 0.4)
        rotation = numpy.array([[numpy.cos(angle), -numpy.sin(angle)], [numpy.sin(angle), numpy.cos(angle)]])
        centre = numpy.array([rng.uniform(side * 0.5, width - side * 0.5), rng.uniform(side * 0.5, height - side * 0.5)])
        points = base * side
        points = points + rng.normal(0, 0.02, points.shape) * side
        if index % 3 == 2:
            # A profile: nose and mouth slide sideways, the far eye closes in.
            yaw = rng.uniform(0.25, 0.6) * rng.choice([-1, 1])
            points[2, 0] += yaw * side
            points[3:, 0] += yaw * side * 0.6
            points[1 if yaw > 0 else 0, 0] -= yaw * side * 0.4
        points = points @ rotation.T + centre
        sets.append(points)
    return sets


def nms_cases(rng, count):
    cases = []
    for _ in range(count):
        total = int(rng.integers(1, 60))
        clusters = rng.uniform(0, 500, (int(rng.integers(1, 8)), 2))
        boxes = []
        for _ in range(total):
            cx, cy = clusters[int(rng.integers(0, len(clusters)))] + rng.normal(0, 12, 2)
            w, h = rng.uniform(20, 120, 2)
            boxes.append([float(cx - w / 2), float(cy - h / 2), float(cx + w / 2), float(cy + h / 2)])
        scores = [float(s) for s in rng.uniform(0.3, 1.0, total)]
        # Ties: FaceFusion keeps the earlier of equal scores.
        if total > 3:
            scores[1] = scores[2]
        threshold = float(rng.choice([0.1, 0.2, 0.3, 0.4]))
        xywh = [(x1, y1, x2 - x1, y2 - y1) for (x1, y1, x2, y2) in boxes]
        keep = cv2.dnn.NMSBoxes(xywh, scores, score_threshold=0.5, nms_threshold=threshold)
        cases.append({'boxes': boxes, 'scores': scores, 'scoreThreshold': 0.5, 'nmsThreshold': threshold,
                      'keep': [int(k) for k in numpy.array(keep).reshape(-1)]})
    return cases


def main():
    photos_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    rng = numpy.random.default_rng(15)
    reference = {'opencv': cv2.__version__, 'photos': [], 'nms': nms_cases(rng, 600), 'angles': []}
    for _ in range(400):
        line = rng.uniform(-100, 100, (2, 2))
        jaw = numpy.zeros((68, 2))
        jaw[0], jaw[16] = line
        reference['angles'].append({'line': line.tolist(), 'angle': estimate_face_angle(jaw)})
    for name in sorted(n for n in os.listdir(photos_dir) if n.lower().endswith(('.jpg', '.jpeg', '.png'))):
        frame = cv2.imread(os.path.join(photos_dir, name), cv2.IMREAD_COLOR)
        height, width = frame.shape[:2]
        stem = os.path.splitext(name)[0]
        frame[:, :, ::-1].tofile(os.path.join(out_dir, stem + '.rgb'))
        photo = {'name': stem, 'width': width, 'height': height, 'alignments': [], 'warps': [], 'letterboxes': [],
                 'pastes': []}
        for set_index, points in enumerate(landmark_sets(rng, width, height, 15)):
            for template, size in ALIGNMENTS:
                matrix, inliers = estimate_matrix(points, template, size)
                photo['alignments'].append({'landmarks': points.tolist(), 'template': template, 'size': size,
                                            'matrix': matrix.reshape(-1).tolist(),
                                            'inliers': [bool(i) for i in inliers.reshape(-1)]})
                if set_index < 3:
                    crop = cv2.warpAffine(frame, matrix, (size, size), borderMode=cv2.BORDER_REPLICATE,
                                          flags=cv2.INTER_AREA)
                    file = f'{stem}-warp-{set_index}-{template}-{size}.rgb'
                    crop[:, :, ::-1].tofile(os.path.join(out_dir, file))
                    photo['warps'].append({'matrix': matrix.reshape(-1).tolist(), 'size': size, 'file': file})
                if set_index < 3 and template == 'arcface_128':
                    # A processed crop: the aligned face with fractional, shifted colours, as a swapper returns.
                    aligned = cv2.warpAffine(frame, matrix, (size, size), borderMode=cv2.BORDER_REPLICATE)
                    noise = rng.uniform(-40, 40, aligned.shape).astype(numpy.float32)
                    swapped = (255 - aligned.astype(numpy.float32) + noise).clip(0, 255).astype(numpy.float32)
                    mask = create_box_mask(size, 0.3)
                    pasted, area = paste_back(frame, swapped, mask, matrix)
                    crop_file = f'{stem}-paste-{set_index}-{size}-crop.f32'
                    out_file = f'{stem}-paste-{set_index}-{size}-out.rgb'
                    numpy.ascontiguousarray(swapped[:, :, ::-1]).astype('<f4').tofile(os.path.join(out_dir, crop_file))
                    x1, y1, x2, y2 = area
                    numpy.ascontiguousarray(pasted[y1:y2, x1:x2, ::-1]).tofile(os.path.join(out_dir, out_file))
                    photo['pastes'].append({'matrix': matrix.reshape(-1).tolist(), 'size': size, 'area': area,
                                            'crop': crop_file, 'output': out_file})
        for size in sorted({size for size, _ in LETTERBOXES.values()}):
            file = f'{stem}-letterbox-{size[0]}x{size[1]}.rgb'
            detect = letterbox(frame, size)
            detect[:, :, ::-1].astype(numpy.uint8).tofile(os.path.join(out_dir, file))
            for family, (family_size, normalize) in LETTERBOXES.items():
                if family_size == size:
                    photo['letterboxes'].append({'family': family, 'size': list(size), 'file': file,
                                                 **NORMALISATION[normalize]})
        photo['landmarkerCrops'] = []
        photo['rotations'] = []
        for crop_index, points in enumerate(landmark_sets(rng, width, height, 4)):
            box = numpy.concatenate([points.min(axis=0) - 20, points.max(axis=0) + 20])
            for angle in (0, 90, 180, 270):
                crop = landmarker_crop(frame, box, angle)
                file = f'{stem}-landmarker-{crop_index}-{angle}.rgb'
                crop[:, :, ::-1].tofile(os.path.join(out_dir, file))
                photo['landmarkerCrops'].append({'box': box.tolist(), 'angle': angle, 'width': crop.shape[1],
                                                 'height': crop.shape[0], 'file': file})
        if stem == 'sample1':
            for angle in (90, 180, 270):
                matrix, size = create_rotation_matrix_and_size(angle, frame.shape[:2][::-1])
                file = f'{stem}-turned-{angle}.rgb'
                cv2.warpAffine(frame, matrix, size)[:, :, ::-1].tofile(os.path.join(out_dir, file))
                photo['rotations'].append({'angle': angle, 'matrix': matrix.reshape(-1).tolist(), 'width': size[0],
                                           'height': size[1], 'file': file})
        reference['photos'].append(photo)
    with open(os.path.join(out_dir, 'reference.json'), 'w') as handle:
        json.dump(reference, handle)


if __name__ == '__main__':
    main()
