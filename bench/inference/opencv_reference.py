"""FaceFusion's non-model image path in OpenCV, timed per stage, as the reference for bench:inference.

Reads a JSON job on stdin:
  {"image": path, "faces": [[[x, y] * 5], ...], "template": [[x, y] * 5] (unit crop),
   "cropSize": 128, "detectorSize": [w, h], "maskBlur": 0.3, "quality": 80, "runs": 7,
   "threads": null | n, "save": null | directory}
and prints one JSON object: per-stage medians in milliseconds of wall time (`ms`) and of this
process's CPU time (`cpuMs`, steadier on a shared machine), OpenCV's version and thread count.

The steps are FaceFusion's (3.x, face_helper.py / face_detector.py / vision.py):
  decode    cv2.imdecode
  letterbox resize_frame_resolution (cv2.resize, INTER_LINEAR) + prepare_detect_frame
            (zero pad to the detector size, (x - 127.5) / 128, NCHW float32)
  align     estimateAffinePartial2D (RANSAC, threshold 100) + warpAffine to the crop
            (BORDER_REPLICATE, INTER_AREA which warpAffine treats as INTER_LINEAR), per face
  paste     paste_back over the paste area only (calculate_paste_area, FaceFusion >= 3.3), per face
  pasteFull paste_back over the whole frame (FaceFusion < 3.3), per face; reported, not in total
  encode    cv2.imencode JPEG at the given quality
The mask is create_static_box_mask (box mask, blur 0.3). The pasted crop is the warped crop itself:
the swap model is not part of the non-model path and its output does not change these timings.

Run with Debian's python3-opencv: /usr/bin/python3 bench/inference/opencv_reference.py < job.json
"""

import json
import os
import statistics
import sys
import time

import cv2
import numpy


def create_static_box_mask(crop_size, face_mask_blur):
    blur_amount = int(crop_size[0] * 0.5 * face_mask_blur)
    blur_area = max(blur_amount // 2, 1)
    box_mask = numpy.ones(crop_size).astype(numpy.float32)
    box_mask[:blur_area, :] = 0
    box_mask[-blur_area:, :] = 0
    box_mask[:, :blur_area] = 0
    box_mask[:, -blur_area:] = 0
    if blur_amount > 0:
        box_mask = cv2.GaussianBlur(box_mask, (0, 0), blur_amount * 0.25)
    return box_mask


def letterbox(frame, size):
    width, height = size
    frame_height, frame_width = frame.shape[:2]
    if frame_height > height or frame_width > width:
        scale = min(height / frame_height, width / frame_width)
        frame = cv2.resize(frame, (int(frame_width * scale), int(frame_height * scale)))
    detect = numpy.zeros((height, width, 3))
    detect[: frame.shape[0], : frame.shape[1], :] = frame
    detect = (detect - 127.5) / 128.0
    return numpy.expand_dims(detect.transpose(2, 0, 1), axis=0).astype(numpy.float32)


def warp_face(frame, landmarks, template, crop_size):
    normed = numpy.array(template, dtype=numpy.float64) * crop_size
    matrix = cv2.estimateAffinePartial2D(
        numpy.array(landmarks, dtype=numpy.float64), normed, method=cv2.RANSAC, ransacReprojThreshold=100
    )[0]
    crop = cv2.warpAffine(frame, matrix, (crop_size, crop_size), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_AREA)
    return crop, matrix


def paste_area(frame, crop, matrix):
    frame_height, frame_width = frame.shape[:2]
    crop_height, crop_width = crop.shape[:2]
    inverse = cv2.invertAffineTransform(matrix)
    points = numpy.array([[0, 0], [crop_width, 0], [crop_width, crop_height], [0, crop_height]], dtype=numpy.float64)
    region = cv2.transform(points.reshape(-1, 1, 2), inverse).reshape(-1, 2)
    x1, y1 = numpy.clip(numpy.floor(region.min(axis=0)).astype(int), 0, [frame_width, frame_height])
    x2, y2 = numpy.clip(numpy.ceil(region.max(axis=0)).astype(int), 0, [frame_width, frame_height])
    paste_matrix = inverse.copy()
    paste_matrix[0, 2] -= x1
    paste_matrix[1, 2] -= y1
    return (x1, y1, x2, y2), paste_matrix


def paste_back(frame, crop, mask, matrix):
    (x1, y1, x2, y2), paste_matrix = paste_area(frame, crop, matrix)
    size = (x2 - x1, y2 - y1)
    inverse_mask = numpy.expand_dims(cv2.warpAffine(mask, paste_matrix, size).clip(0, 1), axis=-1)
    inverse_crop = cv2.warpAffine(crop, paste_matrix, size, borderMode=cv2.BORDER_REPLICATE)
    frame = frame.copy()
    region = frame[y1:y2, x1:x2]
    frame[y1:y2, x1:x2] = (region * (1 - inverse_mask) + inverse_crop * inverse_mask).astype(frame.dtype)
    return frame


def paste_back_full(frame, crop, mask, matrix):
    inverse = cv2.invertAffineTransform(matrix)
    size = frame.shape[:2][::-1]
    inverse_mask = cv2.warpAffine(mask, inverse, size).clip(0, 1)
    inverse_crop = cv2.warpAffine(crop, inverse, size, borderMode=cv2.BORDER_REPLICATE)
    out = frame.copy()
    for channel in range(3):
        out[:, :, channel] = inverse_mask * inverse_crop[:, :, channel] + (1 - inverse_mask) * frame[:, :, channel]
    return out


def clock():
    """Wall time and this process's CPU time, in seconds."""
    return time.perf_counter(), time.process_time()


def summarise(samples, stages):
    medians = {name: statistics.median(samples[name]) for name in stages}
    medians["total"] = sum(medians[name] for name in stages if name != "pasteFull")
    return medians


def main():
    job = json.load(sys.stdin)
    if job.get("threads"):
        cv2.setNumThreads(int(job["threads"]))
    data = numpy.fromfile(job["image"], dtype=numpy.uint8)
    crop_size = int(job.get("cropSize", 128))
    mask = create_static_box_mask((crop_size, crop_size), float(job.get("maskBlur", 0.3)))
    quality = int(job.get("quality", 80))
    stages = ("decode", "letterbox", "align", "paste", "encode", "pasteFull")
    times = {name: [] for name in stages}
    cpu_times = {name: [] for name in stages}
    outputs = {}
    for run in range(int(job.get("runs", 7)) + 1):
        marks = [clock()]
        frame = cv2.imdecode(data, cv2.IMREAD_COLOR)
        marks.append(clock())
        tensor = letterbox(frame, job["detectorSize"])
        marks.append(clock())
        crops = [warp_face(frame, face, job["template"], crop_size) for face in job["faces"]]
        marks.append(clock())
        pasted = frame
        for crop, matrix in crops:
            pasted = paste_back(pasted, crop.astype(numpy.float32), mask, matrix)
        marks.append(clock())
        encoded = cv2.imencode(".jpg", pasted, [cv2.IMWRITE_JPEG_QUALITY, quality])[1]
        marks.append(clock())
        full = frame
        for crop, matrix in crops:
            full = paste_back_full(full, crop.astype(numpy.float32), mask, matrix)
        marks.append(clock())
        if run == 0:
            outputs = {"tensor": tensor, "crops": crops, "pasted": pasted, "encoded": encoded}
            continue  # warm-up
        for index, name in enumerate(stages):
            times[name].append((marks[index + 1][0] - marks[index][0]) * 1000)
            cpu_times[name].append((marks[index + 1][1] - marks[index][1]) * 1000)
    medians = summarise(times, stages)
    cpu_medians = summarise(cpu_times, stages)
    save = job.get("save")
    if save:
        os.makedirs(save, exist_ok=True)
        outputs["tensor"].tofile(os.path.join(save, "letterbox.f32"))
        for index, (crop, matrix) in enumerate(outputs["crops"]):
            crop.tofile(os.path.join(save, f"crop{index}.u8"))
            matrix.astype(numpy.float64).tofile(os.path.join(save, f"matrix{index}.f64"))
        cv2.cvtColor(outputs["pasted"], cv2.COLOR_BGR2RGB).tofile(os.path.join(save, "pasted.u8"))
        outputs["encoded"].tofile(os.path.join(save, "encoded.jpg"))
    print(
        json.dumps(
            {
                "opencv": cv2.__version__,
                "threads": cv2.getNumThreads(),
                "faces": len(job["faces"]),
                "width": int(outputs["pasted"].shape[1]),
                "height": int(outputs["pasted"].shape[0]),
                "ms": medians,
                "cpuMs": cpu_medians,
            }
        )
    )


if __name__ == "__main__":
    main()
