import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import type { DraftPhoto } from './outbox.ts';
import { resizePhoto } from './photo.ts';
import { MAX_PHOTOS } from './report-forms.ts';
import { t } from './words.ts';

export interface PhotoPickerProps {
  photos: readonly DraftPhoto[];
  /** A state setter: photos resized at once are each added to what is there by then. */
  setPhotos: Dispatch<SetStateAction<DraftPhoto[]>>;
  /** Told while photos are being resized (the form waits for them before it sends). */
  onBusy: (busy: boolean) => void;
  /** The words above the tiles: 照片, 整改后照片, 附件（照片）. */
  label: string;
}

/**
 * Photos from the camera or the gallery, resized on the phone before they are kept or sent
 * (photo.ts). A native file input: it opens the camera in 企业微信 / 钉钉 / 微信, which
 * antd-mobile's ImageUploader would also use, without its image viewer in the bundle.
 */
export function PhotoPicker({ photos, setPhotos, onBusy, label }: PhotoPickerProps) {
  const [resizing, setResizing] = useState(0);
  useEffect(() => onBusy(resizing > 0), [resizing, onBusy]);

  function add(files: File[]): void {
    const room = files.slice(0, MAX_PHOTOS - photos.length);
    if (room.length === 0) return;
    setResizing((n) => n + room.length);
    void Promise.all(room.map((f) => resizePhoto(f)))
      .then((resized) =>
        setPhotos((kept) => [...kept, ...resized.map((r) => ({ jpeg: r.jpeg, thumb: r.thumb }))].slice(0, MAX_PHOTOS)),
      )
      .finally(() => setResizing((n) => n - room.length));
  }

  return (
    <div className="photos">
      <div className="photos-label">
        {label}（{t('photos.limit', { max: MAX_PHOTOS })}）
      </div>
      <div className="thumbs" data-testid="thumbs">
        {photos.map((p, i) => (
          <figure key={p.thumb + String(i)}>
            <img src={p.thumb} alt="" />
            <button
              type="button"
              className="remove"
              aria-label={t('photos.remove')}
              onClick={() => setPhotos((kept) => kept.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </figure>
        ))}
        {resizing > 0 ? <div className="tile busy" aria-busy="true" /> : null}
        {photos.length + resizing < MAX_PHOTOS ? (
          <label className="tile add-photo">
            <span>{t('photos.add')}</span>
            <input
              type="file"
              accept="image/*"
              multiple
              data-testid="photo-input"
              onChange={(event) => {
                const files = [...(event.currentTarget.files ?? [])];
                event.currentTarget.value = '';
                add(files);
              }}
            />
          </label>
        ) : null}
      </div>
    </div>
  );
}
